/* global document, requestAnimationFrame, setTimeout */
import { html } from 'htm/preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, explain } from '../api.js';
import { bandLabel, segmentLabel, channelLabel, fmtAgo, fmtDate, fmtDateTime, fmtDay, handlerWords, humanize, isoDay, money, renewalWords, riskPct, riskWithout, signed, splitSignals } from '../format.js';
import { HealthChart } from '../health-chart.js';
import { announce, BandChip, Empty, ErrorState, FollowUpCard, Loading, Risk, Trend, useAsync, useClosedTasks } from '../ui.js';

const DAY = 86_400_000;
const PAGE = 50;

export function CustomerPage({ id, user }) {
  const customer = useAsync((signal) => api(`/customers/${id}`, { signal }), [id]);
  const [highlight, setHighlight] = useState(null);
  const c = customer.data;

  if (customer.loading && !c) return html`<main id="main" tabindex="-1" class="page"><${Loading} what="the customer" /></main>`;
  if (customer.error) {
    return html`<main id="main" tabindex="-1" class="page">
      <p><a href="#/portfolio">← Back to the portfolio</a></p>
      <${ErrorState} error=${customer.error} what="this customer" onRetry=${customer.error.status === 404 ? null : customer.reload}
        hint=${customer.error.status === 404 ? 'Go back to your portfolio and pick a customer from the list.' : null} />
    </main>`;
  }
  return html`<main id="main" tabindex="-1" class="page customer-page">
    <p class="crumbs"><a href="#/portfolio">← ${user.role === 'account_manager' ? 'My portfolio' : 'Portfolio'}</a></p>
    <header class="customer-head">
      <div>
        <h1>${c.name}</h1>
        <p class="muted">${[segmentLabel(c.segment), c.externalId && `ID ${c.externalId}`].filter(Boolean).join(' · ')}</p>
      </div>
      <dl class="kpis">
        <div><dt>Health</dt><dd>${c.health ? html`<${BandChip} score=${c.health.score} band=${c.health.band} /> <${Trend} value=${c.health.trend30d} />` : 'not scored yet'}</dd></div>
        <div><dt>Churn risk</dt><dd><${Risk} churnRisk=${c.churnRisk} churnedAt=${c.churnedAt} /></dd></div>
        <div><dt>Last relational contact</dt><dd title=${fmtDate(c.lastRelationalContactAt)}>${fmtAgo(c.lastRelationalContactAt)}</dd></div>
        <div><dt>Open follow-ups</dt><dd>${c.openFollowUps ?? 0}</dd></div>
        <div><dt>Annual value</dt><dd>${money(c.annualValue)}</dd></div>
        <div><dt>Renewal</dt><dd>${c.renewalDate ? html`${fmtDay(c.renewalDate)} <span class="muted small">${renewalWords(c.renewalDate)}</span>` : '—'}</dd></div>
      </dl>
    </header>
    <div class="customer-grid">
      <div class="col-main">
        <${HealthSection} id=${id} name=${c.name} />
        <${DriversSection} drivers=${c.drivers || []} notes=${c.notes || []} evaluatedAt=${c.healthEvaluatedAt} churnRisk=${c.churnRisk} onShow=${setHighlight} />
        <${AsOfSection} id=${id} name=${c.name} onShow=${setHighlight} />
      </div>
      <div class="col-side">
        ${user.role !== 'ops' ? html`<${PulseSection} id=${id} onRecorded=${customer.reload} />` : null}
        <${CustomerFollowUps} id=${id} onChanged=${customer.reload} />
      </div>
    </div>
    <${Timeline} id=${id} highlight=${highlight} onClear=${() => setHighlight(null)} />
  </main>`;
}

const PULSE_WORDS = { 1: 'at risk', 2: 'worried', 3: 'steady', 4: 'good', 5: 'excellent' };

// The account manager's own judgement: a health driver of its own (docs/health-and-churn.md, "Pulse").
function PulseSection({ id, onRecorded }) {
  const [score, setScore] = useState(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    if (score === null) return;
    setBusy(true);
    setError(null);
    try {
      await api(`/customers/${id}/pulse`, { method: 'POST', body: note.trim() ? { score, note: note.trim() } : { score } });
      announce(`Pulse ${score} of 5 recorded. Health is updated in a moment.`);
      setScore(null);
      setNote('');
      setTimeout(onRecorded, 1500);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="card pulse-card" aria-labelledby="pulse-title">
    <h2 id="pulse-title">Your pulse</h2>
    <p class="muted small">How does the relationship feel to you? The latest pulse moves health by up to 10 points and fades over a month or two.</p>
    <form onSubmit=${submit}>
      <fieldset class="pulse-scores">
        <legend class="sr-only">Pulse from 1 (at risk) to 5 (excellent)</legend>
        ${[1, 2, 3, 4, 5].map((n) => html`<label class=${`pulse-score ${score === n ? 'selected' : ''}`}>
          <input type="radio" name="pulse" value=${n} checked=${score === n} onChange=${() => setScore(n)} /> ${n} <span class="muted small">${PULSE_WORDS[n]}</span>
        </label>`)}
      </fieldset>
      <label>Note (optional) <input type="text" maxlength="2000" value=${note} onInput=${(e) => setNote(e.target.value)} /></label>
      ${error ? html`<p class="error" role="alert">${explain(error)}</p>` : null}
      <button type="submit" disabled=${busy || score === null}>${busy ? 'Recording…' : 'Record pulse'}</button>
    </form>
  </section>`;
}

function HealthSection({ id, name }) {
  const range = useMemo(() => {
    const to = new Date();
    return { from: new Date(to.getTime() - 365 * DAY).toISOString(), to: to.toISOString() };
  }, [id]);
  const history = useAsync(
    (signal) => api(`/customers/${id}/health/history?from=${encodeURIComponent(range.from)}&to=${encodeURIComponent(range.to)}&step=week`, { signal }),
    [id],
  );
  const points = (history.data && history.data.points) || [];
  const last = points[points.length - 1];
  const label = points.length
    ? `Health of ${name} over the last 12 months, weekly: from ${points[0].score} (${points[0].band}) to ${last.score} (${last.band}).`
    : '';
  return html`<section class="card" aria-labelledby="curve-title">
    <h2 id="curve-title">Health over the last 12 months</h2>
    ${history.loading && !history.data ? html`<${Loading} what="the health curve" />` : null}
    ${history.error ? html`<${ErrorState} error=${history.error} what="the health curve" onRetry=${history.reload} />` : null}
    ${history.data && points.length === 0 ? html`<${Empty}><p>No history yet: the curve appears once touchpoints are recorded for this customer.</p></${Empty}>` : null}
    ${points.length ? html`<${HealthChart} points=${points} label=${label} />
      <details class="as-table">
        <summary>Show the curve as a table</summary>
        <div class="table-wrap"><table>
          <thead><tr><th scope="col">Week of</th><th scope="col">Score</th><th scope="col">Band</th><th scope="col">Churn risk</th></tr></thead>
          <tbody>${points.map((p) => html`<tr key=${p.at}><td>${fmtDate(p.at)}</td><td>${p.score}</td><td>${bandLabel(p.band)}</td><td>${riskPct(p.churnRisk)}</td></tr>`)}</tbody>
        </table></div>
      </details>` : null}
  </section>`;
}

/** One reason with its events; `effect` says what the number next to it means. */
function DriverItem({ d, onShow, label, value }) {
  const ids = d.eventIds || [];
  return html`<li class=${d.effect < 0 ? 'neg' : d.effect > 0 ? 'pos' : ''}>
    <span class="effect" aria-label=${label}>${value}</span>
    <span class="factor">${d.factor}</span>
    ${ids.length
      ? html`<button type="button" class="link" onClick=${() => onShow({ label: d.factor, ids })}>
          Show ${ids.length === 1 ? 'the event' : `the ${ids.length} events`}<span class="sr-only"> behind “${d.factor}” on the timeline</span>
        </button>`
      : null}
  </li>`;
}

function DriverList({ drivers, onShow, prefix }) {
  if (!drivers.length) return html`<p class="muted">No drivers: nothing moved the score away from the baseline.</p>`;
  return html`<ul class="drivers">
    ${drivers.map((d, i) => html`<${DriverItem} key=${`${prefix}-${i}`} d=${d} onShow=${onShow} label=${d.effect === 0 ? 'no points' : `${signed(d.effect)} points`} value=${d.effect === 0 ? '—' : signed(d.effect)} />`)}
  </ul>`;
}

/** The notes under the drivers: the 0–100 clamp and the smaller factors, said once (they are not reasons). */
function HealthNotes({ notes }) {
  const shown = notes.filter((n) => n.kind === 'scale_limit' || n.kind === 'minor_factors');
  if (!shown.length) return null;
  return html`<div class="health-notes small">
    ${shown.map((n) => n.kind === 'minor_factors' && n.drivers && n.drivers.length
      ? html`<details key=${n.kind} class="minor-factors"><summary>${n.text}</summary>
          <ul>${n.drivers.map((d, i) => html`<li key=${i}><span class="effect">${signed(d.effect)}</span> ${d.factor}</li>`)}</ul>
        </details>`
      : html`<p key=${n.kind} class="muted">${n.text}</p>`)}
  </div>`;
}

/** The churn drivers in two lists, each with the risk there would be without it (their effects are log-odds, not points). */
function ChurnDrivers({ churnRisk, onShow }) {
  const drivers = (churnRisk && churnRisk.drivers) || [];
  const up = drivers.filter((d) => d.effect > 0);
  const down = drivers.filter((d) => d.effect < 0).sort((a, b) => a.effect - b.effect);
  const item = (d, i, prefix) => {
    const without = riskPct(riskWithout(churnRisk.probability, d.effect));
    return html`<${DriverItem} key=${`${prefix}-${i}`} d=${d} onShow=${onShow} label=${`without it the churn risk would be ${without}`} value=${`→ ${without}`} />`;
  };
  return html`<section class="churn-drivers" aria-labelledby="churn-drivers-title">
    <h3 id="churn-drivers-title">What drives the churn risk (${riskPct(churnRisk.probability)})</h3>
    ${drivers.length === 0
      ? html`<p class="muted">Nothing moves the churn risk by a percentage point or more: it is the risk of a customer without warning signs.</p>`
      : html`<p class="muted small">Next to each factor: what the churn risk would be without it.</p>`}
    ${up.length ? html`<h4>Raises it</h4><ul class="drivers churn-up">${up.map((d, i) => item(d, i, 'up'))}</ul>` : null}
    ${down.length ? html`<h4>Holds it down</h4><ul class="drivers churn-down">${down.map((d, i) => item(d, i, 'down'))}</ul>` : null}
  </section>`;
}

function DriversSection({ drivers, notes, evaluatedAt, churnRisk, onShow }) {
  const disagreement = notes.find((n) => n.kind === 'health_vs_churn');
  return html`<section class="card" aria-labelledby="drivers-title">
    <h2 id="drivers-title">Why the score is what it is</h2>
    <p class="muted small">Points each factor adds to or takes from the neutral 50. Open a factor's events to see what happened.${evaluatedAt ? ` As of ${fmtDateTime(evaluatedAt)}, the customer's latest recorded event.` : ''}</p>
    <${DriverList} drivers=${drivers} onShow=${onShow} prefix="now" />
    <${HealthNotes} notes=${notes} />
    ${disagreement ? html`<div class="notice health-vs-churn" role="note"><strong>Health and churn risk differ.</strong> ${disagreement.text}</div>` : null}
    ${churnRisk ? html`<${ChurnDrivers} churnRisk=${churnRisk} onShow=${onShow} />` : null}
  </section>`;
}

function AsOfSection({ id, name, onShow }) {
  const [day, setDay] = useState(() => isoDay(new Date(Date.now() - 30 * DAY)));
  const [state, setState] = useState({ loading: false, error: null, data: null });
  const submit = async (e) => {
    e.preventDefault();
    if (!day) return;
    setState({ loading: true, error: null, data: null });
    try {
      // The end of the chosen day (or now, for today): what Closeness knew by then.
      const asOf = new Date(Math.min(Date.parse(`${day}T23:59:59.999`), Date.now())).toISOString();
      const data = await api(`/customers/${id}/health?asOf=${encodeURIComponent(asOf)}`);
      setState({ loading: false, error: null, data });
    } catch (error) {
      // 404 here means the customer had no recorded events yet on that day.
      if (error.status === 404) setState({ loading: false, error: null, data: { empty: true, asOf: `${day}T12:00:00` } });
      else setState({ loading: false, error, data: null });
    }
  };
  const h = state.data;
  return html`<section class="card" aria-labelledby="asof-title">
    <h2 id="asof-title">Health as it was on a date</h2>
    <form class="inline-form row" onSubmit=${submit}>
      <div class="field">
        <label for="asof-date">Show the health as Closeness saw it on</label>
        <input id="asof-date" type="date" required max=${isoDay(new Date())} value=${day} onInput=${(e) => setDay(e.currentTarget.value)} />
      </div>
      <button type="submit" disabled=${state.loading}>${state.loading ? 'Loading…' : 'Show'}</button>
      ${h ? html`<button type="button" class="link" onClick=${() => setState({ loading: false, error: null, data: null })}>Back to now</button>` : null}
    </form>
    <p class="muted small">Only what had been recorded by the end of that day counts, exactly as the page showed it then.</p>
    ${state.loading ? html`<${Loading} what="the health on that date" />` : null}
    ${state.error ? html`<p class="form-error" role="alert">Could not load the health on that date. ${explain(state.error)}</p>` : null}
    ${h && h.empty
      ? html`<p class="asof-result" role="status"><strong>On ${fmtDate(h.asOf)}</strong> nothing had been recorded for this customer yet.
          Touchpoints that arrived later (for example from an import) appear on the curve above, which is drawn in business time.</p>`
      : null}
    ${h && !h.empty && h.eventsConsidered === 0 ? html`<div class="asof-result" role="status"><${NothingRecordedYet} h=${h} name=${name} /></div>` : null}
    ${h && !h.empty && h.eventsConsidered > 0
      ? html`<div class="asof-result" role="status">
          <p><strong>On ${fmtDate(h.asOf)}:</strong> <${BandChip} score=${h.score} band=${h.band} /> <${Trend} value=${h.trend30d} />
            · churn risk <${Risk} churnRisk=${h.churnRisk} /> · ${h.eventsConsidered} ${h.eventsConsidered === 1 ? 'event' : 'events'} considered</p>
          <${DriverList} drivers=${h.drivers || []} onShow=${onShow} prefix="asof" />
          <${HealthNotes} notes=${h.notes || []} />
        </div>`
      : null}
  </section>`;
}

// The page routes by the URL's hash, so the curve is reached by scrolling, not by an #anchor.
const toCurve = () => {
  const el = document.getElementById('curve-title');
  if (el) el.scrollIntoView({ block: 'start' });
};

/** "As of" a date before anything was recorded: knowledge time, while the curve above is business time. The API's note says it (one sentence for the API and the page). */
function NothingRecordedYet({ h, name }) {
  const note = (h.notes || []).find((n) => n.kind === 'nothing_recorded_yet');
  if (!h.firstRecordedAt) return html`<p class="nothing-recorded">${note ? note.text : `Nothing has been recorded for ${name} yet, so there is nothing to show for that date.`}</p>`;
  const curve = html`<button type="button" class="link" onClick=${toCurve}>Go to the health curve above</button>`;
  if (note) return html`<p class="nothing-recorded">${note.text} ${curve}</p>`;
  return html`<p class="nothing-recorded"><strong>On ${fmtDate(h.asOf)}</strong> Closeness had not recorded anything for ${name} yet: the first record is from <strong>${fmtDate(h.firstRecordedAt)}</strong>. ${curve}</p>`;
}

function CustomerFollowUps({ id, onChanged }) {
  const list = useAsync((signal) => api(`/follow-ups?status=open&customerId=${id}`, { signal }), [id]);
  const closed = useClosedTasks(list.reload);
  const items = ((list.data && list.data.items) || []).filter((t) => t.status === 'open' && closed.isOpen(t)).sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  return html`<section class="card" aria-labelledby="fu-title">
    <h2 id="fu-title">Open follow-ups</h2>
    ${list.loading && !list.data ? html`<${Loading} what="follow-ups" />` : null}
    ${list.error ? html`<${ErrorState} error=${list.error} what="the follow-ups" onRetry=${list.reload} />` : null}
    ${list.data && items.length === 0 ? html`<${Empty}><p>No open follow-ups for this customer. Closeness raises one when contact feels transactional.</p></${Empty}>` : null}
    ${items.length
      ? html`<ul class="follow-ups">${items.map((t) => html`<${FollowUpCard} key=${t.id} task=${t} onDone=${(msg, taskId) => { announce(msg); closed.close(taskId); onChanged(); }} />`)}</ul>`
      : null}
  </section>`;
}

function useTimeline(id) {
  const [state, setState] = useState({ items: [], nextCursor: null, loading: true, error: null, started: false });
  const load = async (cursor, acc) => {
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const res = await api(`/customers/${id}/timeline?limit=${PAGE}${cursor ? `&before=${encodeURIComponent(cursor)}` : ''}`);
      const items = [...acc, ...((res && res.items) || [])];
      setState({ items, nextCursor: (res && res.nextCursor) || null, loading: false, error: null, started: true });
      return { items, nextCursor: (res && res.nextCursor) || null };
    } catch (error) {
      setState((s) => ({ ...s, loading: false, error, started: true }));
      return null;
    }
  };
  useEffect(() => {
    load(null, []);
  }, [id]);
  return { ...state, load };
}

function Timeline({ id, highlight, onClear }) {
  const tl = useTimeline(id);
  const heading = useRef(null);
  const [searching, setSearching] = useState(false);

  // A driver's events may be older than the loaded pages: load on until all are there (bounded).
  useEffect(() => {
    if (!highlight) return;
    let cancelled = false;
    (async () => {
      setSearching(true);
      let items = tl.items;
      let cursor = tl.nextCursor;
      for (let i = 0; i < 40 && cursor && !highlight.ids.every((e) => items.some((it) => it.eventId === e)); i++) {
        const res = await tl.load(cursor, items);
        if (!res || cancelled) break;
        items = res.items;
        cursor = res.nextCursor;
      }
      if (cancelled) return;
      setSearching(false);
      requestAnimationFrame(() => {
        const el = document.getElementById('timeline-title');
        if (el) {
          el.scrollIntoView({ block: 'start' });
          el.focus();
        }
      });
    })();
    return () => {
      cancelled = true;
    };
  }, [highlight]);

  const shown = highlight ? tl.items.filter((it) => highlight.ids.includes(it.eventId)) : tl.items;
  const missing = highlight ? highlight.ids.length - shown.length : 0;
  return html`<section class="card timeline-card" aria-labelledby="timeline-title">
    <h2 id="timeline-title" tabindex="-1" ref=${heading}>Timeline</h2>
    ${highlight
      ? html`<div class="notice" role="status">
          Showing the ${shown.length} event${shown.length === 1 ? '' : 's'} behind “${highlight.label}”${missing > 0 && !searching ? ` (${missing} not on the timeline)` : ''}.
          <button type="button" class="link" onClick=${onClear}>Show the whole timeline</button>
        </div>`
      : html`<p class="muted small">Newest first. Each contact shows its channel, who handled it and how relational it felt; open “Why” for the signals.</p>`}
    ${tl.error ? html`<${ErrorState} error=${tl.error} what="the timeline" onRetry=${() => tl.load(tl.nextCursor, tl.items)} />` : null}
    ${tl.started && !tl.error && tl.items.length === 0 ? html`<${Empty}><p>No touchpoints recorded yet. They arrive from your CRM, support tools or the API.</p></${Empty}>` : null}
    <ol class="timeline">
      ${shown.map((it) => html`<${TimelineItem} key=${it.eventId} item=${it} />`)}
    </ol>
    ${tl.loading || searching ? html`<${Loading} what="the timeline" />` : null}
    ${!highlight && tl.nextCursor && !tl.loading ? html`<button type="button" class="more" onClick=${() => tl.load(tl.nextCursor, tl.items)}>Load older events</button>` : null}
  </section>`;
}

const DIRECTION = { inbound: 'from the customer', outbound: 'to the customer' };

function describe(item) {
  const d = item.data || {};
  switch (item.type) {
    case 'OutcomeRecorded':
      return { title: `Outcome: ${humanize(d.outcome || '')}`, kind: 'outcome' };
    case 'AccountManagerPulseRecorded':
      return { title: `Account manager’s pulse: ${d.score} of 5 (${PULSE_WORDS[d.score] || '?'})${d.note ? ` — “${d.note}”` : ''}`, kind: 'pulse' };
    case 'InboundMessageWentUnanswered':
      return { title: `An inbound message went unanswered for ${d.hoursUnanswered ?? '?'} hours (answer expected within ${d.slaHours ?? '?'} h)`, kind: 'fact' };
    case 'RelationshipWentQuiet':
      return { title: d.daysSinceRelational === 1 ? 'No relational contact for 1 day' : `No relational contact for ${d.daysSinceRelational ?? '?'} days`, kind: 'fact' };
    case 'HealthBandChanged':
      return { title: `Health moved from ${bandLabel(d.from)} to ${bandLabel(d.to)} (${d.scoreBefore} → ${d.scoreAfter})`, kind: 'fact' };
    case 'CustomerRegistered':
      return { title: 'Customer registered in Closeness', kind: 'admin' };
    case 'AccountManagerAssigned':
      return { title: d.accountManagerId ? 'Account manager assigned' : 'Account manager removed', kind: 'admin' };
    case 'CustomerDetailsChanged':
      return { title: 'Customer details changed', kind: 'admin' };
    default:
      return { title: humanize(item.type), kind: 'other' };
  }
}

function TimelineItem({ item }) {
  const time = html`<time datetime=${item.occurredAt}>${fmtDateTime(item.occurredAt)}</time>`;
  if (item.type !== 'TouchpointRecorded') {
    const { title, kind } = describe(item);
    return html`<li id=${`ev-${item.eventId}`} class=${`tl-item tl-${kind}`}>
      <div class="tl-head"><span class="tl-title">${title}</span>${time}</div>
    </li>`;
  }
  const t = item.data || {};
  const r = item.relational;
  const signals = (r && r.signals) || [];
  const who = handlerWords(t, signals);
  const { counted, noticed } = splitSignals(signals);
  return html`<li id=${`ev-${item.eventId}`} class=${`tl-item tl-touchpoint ${r ? `tl-${r.class}` : ''}`}>
    <div class="tl-head">
      <span class="tl-title"><span class="channel">${channelLabel(t.channel)}</span> <span class="muted">${DIRECTION[t.direction] || ''}</span></span>
      ${r ? html`<span class=${`rel-badge rel-${r.class}`}>${humanize(r.class)} <span class="rel-score">${r.score}</span></span>` : html`<span class="rel-badge rel-none">not scored</span>`}
      ${time}
    </div>
    <p class="tl-who">Handled by ${who}${t.initiatedBy === 'company' ? ' · started by us' : t.initiatedBy === 'customer' ? ' · started by the customer' : ''}${t.topic ? ` · topic: ${t.topic}` : ''}</p>
    ${t.subject || t.summary ? html`<p class="tl-text">${t.subject ? html`<strong>${t.subject}</strong>${t.summary ? ' — ' : ''}` : null}${t.summary ? t.summary.slice(0, 400) : ''}</p>` : null}
    ${t.survey ? html`<p class="tl-text">Survey: ${t.survey.kind.toUpperCase()} ${t.survey.score}${t.survey.comment ? ` — “${t.survey.comment}”` : ''}</p>` : null}
    ${signals.length
      ? html`<details class="signals">
          <summary>Why ${r ? humanize(r.class).toLowerCase() : ''}? (${counted.length ? `${counted.length} signal${counted.length === 1 ? '' : 's'}` : 'nothing moved the score'})</summary>
          ${counted.length
            ? html`<ul>${counted.map((s, i) => html`<li key=${i} class=${s.effect < 0 ? 'neg' : 'pos'}><span class="effect">${signed(s.effect)}</span> ${s.detail || humanize(s.name)}</li>`)}</ul>
              <p class="muted sig-sum">50 to start, ${signed(r ? r.score - 50 : 0)} from these signals: ${r ? r.score : ''}.</p>`
            : html`<p class="muted sig-sum">No signal moved the score from 50.</p>`}
          ${noticed.length ? html`<p class="muted sig-noticed">Noticed, not counted: ${noticed.map((s) => s.detail || humanize(s.name)).join('; ')}.</p>` : null}
        </details>`
      : null}
    ${Array.isArray(t.transcript) && t.transcript.length
      ? html`<details class="transcript">
          <summary>Transcript (${t.transcript.length} turn${t.transcript.length === 1 ? '' : 's'}${t.language ? `, ${t.language}` : ''})</summary>
          <ol>${t.transcript.map((turn, i) => html`<li key=${i}><strong>${humanize(turn.speaker)}:</strong> ${turn.text}</li>`)}</ol>
        </details>`
      : null}
  </li>`;
}
