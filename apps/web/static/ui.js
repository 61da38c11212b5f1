/* global document, setTimeout, AbortController */
import { html } from 'htm/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, explain } from './api.js';
import { bandLabel, fmtDate, fmtDateTime, fmtDue, isOverdue, isoDay, riskPct, ruleLabel, trendWords } from './format.js';

/** Runs `load(signal)` when `deps` change; keeps loading / error / data apart so pages show each state. */
export function useAsync(load, deps) {
  const [state, setState] = useState({ loading: true, error: null, data: undefined });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctrl = new AbortController();
    setState((s) => ({ loading: true, error: null, data: s.data }));
    load(ctrl.signal).then(
      (data) => !ctrl.signal.aborted && setState({ loading: false, error: null, data }),
      (error) => !ctrl.signal.aborted && error.name !== 'AbortError' && setState({ loading: false, error, data: undefined }),
    );
    return () => ctrl.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/**
 * Tasks closed on this page stay hidden even if the list is re-read before the read model caught
 * up (it is eventually consistent); a second read a moment later brings the list in line.
 */
export function useClosedTasks(reload) {
  const [closed, setClosed] = useState(() => new Set());
  const close = useCallback(
    (taskId) => {
      setClosed((s) => new Set(s).add(taskId));
      reload();
      setTimeout(reload, 1500);
    },
    [reload],
  );
  return { isOpen: (t) => !closed.has(t.id), close };
}

/** Polite screen-reader announcements (and a visible toast) after an action. */
export function announce(message) {
  const el = document.getElementById('announcer');
  if (!el) return;
  el.textContent = '';
  setTimeout(() => {
    el.textContent = message;
  }, 30);
}

export const Loading = ({ what }) => html`<p class="state loading" role="status"><span class="spinner" aria-hidden="true"></span> Loading ${what}…</p>`;

export function ErrorState({ error, what, onRetry, hint }) {
  return html`<div class="state error" role="alert">
    <p><strong>Could not load ${what}.</strong> ${explain(error)}</p>
    ${hint ? html`<p>${hint}</p>` : null}
    ${onRetry ? html`<button type="button" onClick=${onRetry}>Try again</button>` : null}
  </div>`;
}

export const Empty = ({ children }) => html`<div class="state empty">${children}</div>`;

export function BandChip({ score, band, label }) {
  const b = band || 'unknown';
  return html`<span class="band band-${b}" title=${`${bandLabel(band)} band`}>
    <span class="band-dot" aria-hidden="true"></span>
    <span class="band-score">${score ?? '—'}</span>
    <span class="band-name">${label ?? bandLabel(band)}</span>
  </span>`;
}

export function Trend({ value }) {
  const t = trendWords(value);
  return html`<span class=${`trend trend-${t.cls}`} title=${t.text}><span aria-hidden="true">${t.arrow}</span><span class="sr-only">${t.text}</span></span>`;
}

/** Churn risk; for a customer who has left, when they left instead (a certainty is not a risk). */
export function Risk({ churnRisk, churnedAt }) {
  if (churnedAt) return html`<span class="risk risk-churned">Churned <span class="muted small">${fmtDate(churnedAt)}</span></span>`;
  if (!churnRisk) return html`<span class="muted">—</span>`;
  return html`<span class=${`risk risk-${churnRisk.level || 'unknown'}`}>${riskPct(churnRisk.probability)} <span class="risk-level">${churnRisk.level || ''}</span></span>`;
}

export const PriorityBadge = ({ priority }) => html`<span class=${`priority priority-${priority}`}>${priority}</span>`;

/** A task's reasons in the order they came (a task from before reasons existed: its own rule and reason). */
export const reasonsOf = (task) =>
  Array.isArray(task.reasons) && task.reasons.length > 0 ? task.reasons : [{ rule: task.rule, reason: task.reason, triggeredBy: task.triggeredBy || [], at: task.createdAt }];

/**
 * One open follow-up with its actions: one reach-out, however many reasons joined it — one
 * suggested action, then every reason with its rule and when it came. Each action opens a small
 * inline form so it works with the keyboard and says what will happen; `onDone(message)` lets
 * the list reload.
 */
export function FollowUpCard({ task, customerName, customerLink = true, onDone }) {
  const [mode, setMode] = useState(null);
  const [note, setNote] = useState('');
  const [until, setUntil] = useState(() => isoDay(new Date(Date.now() + 3 * 86_400_000)));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const firstField = useRef(null);
  useEffect(() => {
    if (mode && firstField.current) firstField.current.focus();
  }, [mode]);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'complete') await api(`/follow-ups/${task.id}/complete`, { method: 'POST', body: note.trim() ? { note: note.trim() } : {} });
      if (mode === 'dismiss') await api(`/follow-ups/${task.id}/dismiss`, { method: 'POST', body: { reason: note.trim() } });
      if (mode === 'snooze') await api(`/follow-ups/${task.id}/snooze`, { method: 'POST', body: { until: new Date(`${until}T08:00:00`).toISOString() } });
      const words = { complete: 'completed', dismiss: 'dismissed', snooze: `snoozed until ${fmtDate(`${until}T08:00:00`)}` }[mode];
      setMode(null);
      onDone(`Follow-up ${words}.`, task.id);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const id = `fu-${task.id}`;
  const overdue = isOverdue(task.dueAt);
  const reasons = reasonsOf(task);
  return html`<li class=${`follow-up ${overdue ? 'overdue' : ''}`} aria-labelledby=${`${id}-title`} data-task-id=${task.id}>
    <div class="follow-up-head">
      <${PriorityBadge} priority=${task.priority} />
      <h3 id=${`${id}-title`} class="follow-up-title">
        ${customerName ? (customerLink ? html`<a href=${`#/customers/${task.customerId}`}>${customerName}</a>` : customerName) : null}
        ${customerName ? ': ' : ''}${task.reason}
      </h3>
      <span class=${`due ${overdue ? 'due-overdue' : ''}`}>${fmtDue(task.dueAt)}</span>
    </div>
    ${task.suggestedAction ? html`<p class="suggested"><strong>Suggested:</strong> ${task.suggestedAction}</p>` : null}
    <div class="follow-up-why">
      <p class="why-title" id=${`${id}-why`}>${reasons.length === 1 ? 'Why' : `Why: ${reasons.length} reasons, one reach-out`}</p>
      <ul class="reasons" aria-labelledby=${`${id}-why`}>
        ${reasons.map((r, i) => html`<li class="reason" key=${`${r.rule}-${i}`}>
          <span class="reason-rule">${ruleLabel(r.rule)}</span>
          <span class="reason-text">${r.reason}</span>
          <span class="reason-at">${i === 0 || r.at === reasons[0].at ? 'raised' : 'added'} <time datetime=${r.at}>${fmtDateTime(r.at)}</time></span>
        </li>`)}
      </ul>
    </div>
    ${task.status === 'snoozed' && task.snoozedUntil
      ? html`<p class="muted snoozed-until">Snoozed until <time datetime=${task.snoozedUntil}>${fmtDateTime(task.snoozedUntil)}</time>: it opens again then.</p>`
      : task.status && task.status !== 'open' ? html`<p class="muted">Status: ${task.status}</p>` : null}
    ${mode === null
      ? html`<div class="actions">
          <button type="button" class="primary" onClick=${() => setMode('complete')} aria-describedby=${`${id}-title`}>Complete</button>
          <button type="button" onClick=${() => setMode('snooze')} aria-describedby=${`${id}-title`}>Snooze</button>
          <button type="button" onClick=${() => { setNote(''); setMode('dismiss'); }} aria-describedby=${`${id}-title`}>Dismiss</button>
        </div>`
      : html`<form class="inline-form" onSubmit=${submit}>
          ${mode === 'complete'
            ? html`<label for=${`${id}-note`}>What did you do? (optional)</label>
                <textarea id=${`${id}-note`} ref=${firstField} rows="2" maxlength="2000" value=${note} onInput=${(e) => setNote(e.currentTarget.value)}></textarea>`
            : null}
          ${mode === 'dismiss'
            ? html`<label for=${`${id}-reason`}>Why dismiss it? (required)</label>
                <input id=${`${id}-reason`} ref=${firstField} required maxlength="500" value=${note} onInput=${(e) => setNote(e.currentTarget.value)} />`
            : null}
          ${mode === 'snooze'
            ? html`<label for=${`${id}-until`}>Snooze until</label>
                <input id=${`${id}-until`} ref=${firstField} type="date" required min=${isoDay(new Date(Date.now() + 86_400_000))} value=${until} onInput=${(e) => setUntil(e.currentTarget.value)} />`
            : null}
          ${error ? html`<p class="form-error" role="alert">${explain(error)}</p>` : null}
          <div class="actions">
            <button type="submit" class="primary" disabled=${busy}>${busy ? 'Saving…' : { complete: 'Confirm complete', dismiss: 'Confirm dismiss', snooze: 'Confirm snooze' }[mode]}</button>
            <button type="button" onClick=${() => setMode(null)} disabled=${busy}>Cancel</button>
          </div>
        </form>`}
  </li>`;
}
