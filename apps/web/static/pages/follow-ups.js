/* global window, setTimeout, clearTimeout, AbortController, URLSearchParams */
import { html } from 'htm/preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, apiAll, explain } from '../api.js';
import { isOverdue } from '../format.js';
import { announce, Empty, ErrorState, FollowUpCard, Loading, useAsync } from '../ui.js';

const PAGE = 50;
// A page size in the address (`#/follow-ups?limit=10`) is honoured within what the API takes.
const pageSizeOf = (query) => {
  const n = Number(query && query.get('limit'));
  return Number.isInteger(n) && n >= 1 && n <= 200 ? n : PAGE;
};

/**
 * Open follow-ups by due date, overdue first, a page at a time ("Show more" follows the API's
 * nextCursor). The counts in the heading are the server's totals over every page, not the
 * length of what is loaded. Snoozed tasks are not open: they are counted apart and listed on
 * their own (`#/follow-ups?status=snoozed`). Team leads and admins can narrow the list to one
 * account manager.
 */
export function FollowUpsPage({ user, query }) {
  const pageSize = pageSizeOf(query);
  const assignee = (query && query.get('assignee')) || '';
  const status = query && query.get('status') === 'snoozed' ? 'snoozed' : 'open';
  const whose = assignee ? `&assigneeId=${encodeURIComponent(assignee)}` : '';
  const base = `/follow-ups?status=${status}${whose}`;
  const [list, setList] = useState({ loading: true, error: null, data: null });
  const [more, setMore] = useState({ busy: false, error: null });
  // Tasks closed or snoozed here stay hidden (and uncounted) until the read model has caught up.
  const [closed, setClosed] = useState(() => new Set());
  const [tick, setTick] = useState(0);
  const loaded = useRef(0);

  // Another filter starts from the first page again.
  useEffect(() => {
    loaded.current = 0;
    setClosed(new Set());
  }, [base, pageSize]);

  useEffect(() => {
    const ctrl = new AbortController();
    // A re-read after an action covers everything loaded so far, so the extra pages stay.
    const limit = Math.min(Math.max(pageSize, loaded.current), 1000);
    setList((s) => ({ loading: true, error: null, data: s.data }));
    api(`${base}&limit=${limit}`, { signal: ctrl.signal }).then(
      (data) => {
        if (ctrl.signal.aborted) return;
        loaded.current = data.items.length;
        setList({ loading: false, error: null, data });
      },
      (error) => !ctrl.signal.aborted && error.name !== 'AbortError' && setList({ loading: false, error, data: null }),
    );
    return () => ctrl.abort();
  }, [base, pageSize, tick]);

  const timer = useRef(null);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onDone = useCallback((msg, taskId) => {
    announce(msg);
    setClosed((s) => new Set(s).add(taskId));
    setTick((t) => t + 1);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setTick((t) => t + 1), 1500);
  }, []);

  const showMore = async () => {
    const data = list.data;
    if (!data || !data.nextCursor) return;
    setMore({ busy: true, error: null });
    try {
      const page = await api(`${base}&limit=${pageSize}&cursor=${encodeURIComponent(data.nextCursor)}`);
      setList((s) => {
        const seen = new Set(s.data.items.map((t) => t.id));
        const items = [...s.data.items, ...page.items.filter((t) => !seen.has(t.id))];
        loaded.current = items.length;
        return { ...s, data: { ...page, items } };
      });
      setMore({ busy: false, error: null });
    } catch (error) {
      setMore({ busy: false, error });
    }
  };

  // Customer names for the headings; the tasks still show if the portfolio cannot be read.
  const customers = useAsync((signal) => apiAll('/customers?sort=name', { signal }).catch(() => ({ items: [] })), []);
  const names = useMemo(() => new Map(((customers.data && customers.data.items) || []).map((c) => [c.id, c.name])), [customers.data]);
  const leads = user.role === 'team_lead' || user.role === 'admin';
  // Whom the list can be narrowed to: the team (a team lead) or everyone who holds customers (an admin).
  const team = useAsync((signal) => (leads ? api('/users', { signal }).catch(() => null) : Promise.resolve(null)), [leads]);
  const managers = ((team.data && team.data.items) || [])
    .filter((u) => !u.disabled && (u.role === 'account_manager' || u.role === 'team_lead'))
    .sort((a, b) => a.name.localeCompare(b.name));

  const data = list.data;
  const all = (data && data.items) || [];
  const items = all.filter((t) => t.status === status && !closed.has(t.id));
  // Closed here but still in the server's answer: not yet projected, so not yet out of its counts.
  const pending = all.filter((t) => closed.has(t.id));
  const total = data ? Math.max(0, data.total - pending.length) : 0;
  const overdueTotal = data ? Math.max(0, data.overdue - pending.filter((t) => isOverdue(t.dueAt)).length) : 0;
  const snoozedView = status === 'snoozed';
  const overdue = snoozedView ? [] : items.filter((t) => isOverdue(t.dueAt));
  const upcoming = snoozedView ? [] : items.filter((t) => !isOverdue(t.dueAt));
  // How many are snoozed (read again with the list, so a snooze here shows up in it).
  const snoozed = useAsync((signal) => (snoozedView ? Promise.resolve(null) : api(`/follow-ups?status=snoozed&limit=1${whose}`, { signal }).catch(() => null)), [snoozedView, whose, tick]);
  const snoozedTotal = snoozed.data ? snoozed.data.total : 0;
  const card = (t) => html`<${FollowUpCard} key=${t.id} task=${t} customerName=${names.get(t.customerId) || 'Customer'} onDone=${onDone} />`;
  const chosen = managers.find((m) => m.id === assignee);
  const hrefWith = (key, value) => {
    const q = new URLSearchParams(query ? query.toString() : '');
    if (value) q.set(key, value);
    else q.delete(key);
    const s = q.toString();
    return `#/follow-ups${s ? `?${s}` : ''}`;
  };
  const setAssignee = (id) => {
    window.location.hash = hrefWith('assignee', id);
  };
  const heading = snoozedView
    ? 'Snoozed follow-ups'
    : user.role === 'account_manager' ? 'My follow-ups' : user.role === 'team_lead' ? "My team's follow-ups" : 'Open follow-ups';

  return html`<main id="main" tabindex="-1" class="page">
    <div class="page-head">
      <h1>${heading}</h1>
      ${data
        ? html`<p class="muted summary">
            <span data-testid="follow-up-totals">${snoozedView ? `${total} snoozed` : `${total} open · ${overdueTotal} overdue`}${chosen ? ` · assigned to ${chosen.name}` : ''}</span>
            ${snoozedView
              ? html` · <a href=${hrefWith('status', '')}>Back to the open ones</a>`
              : snoozedTotal > 0 ? html` · <a href=${hrefWith('status', 'snoozed')}>${snoozedTotal} snoozed</a>` : null}
          </p>`
        : null}
    </div>
    ${leads && managers.length
      ? html`<form class="filters" onSubmit=${(e) => e.preventDefault()}>
          <div class="field">
            <label for="fu-assignee">Account manager</label>
            <select id="fu-assignee" value=${assignee} onChange=${(e) => setAssignee(e.currentTarget.value)}>
              <option value="">Everyone${user.role === 'team_lead' ? ' in my team' : ''}</option>
              ${managers.map((m) => html`<option key=${m.id} value=${m.id}>${m.name}</option>`)}
            </select>
          </div>
        </form>`
      : null}
    ${list.loading && !data ? html`<${Loading} what="your follow-ups" />` : null}
    ${list.error ? html`<${ErrorState} error=${list.error} what="your follow-ups" onRetry=${() => setTick((t) => t + 1)} />` : null}
    ${data && items.length === 0 && total === 0 && snoozedView ? html`<${Empty}><p>Nothing is snoozed.</p></${Empty}>` : null}
    ${data && items.length === 0 && total === 0 && !snoozedView
      ? html`<${Empty}><p><strong>Nothing to follow up right now.</strong> Closeness raises a task when a customer's contact turns transactional — check your <a href="#/portfolio">portfolio</a> for customers drifting towards red.</p></${Empty}>`
      : null}
    ${overdue.length ? html`<section aria-labelledby="fu-overdue"><h2 id="fu-overdue">Overdue</h2><ul class="follow-ups">${overdue.map(card)}</ul></section>` : null}
    ${snoozedView && items.length ? html`<section aria-labelledby="fu-snoozed"><h2 id="fu-snoozed">By due date</h2><ul class="follow-ups">${items.map(card)}</ul></section>` : null}
    ${upcoming.length ? html`<section aria-labelledby="fu-next"><h2 id="fu-next">${overdue.length ? 'Coming up' : 'By due date'}</h2><ul class="follow-ups">${upcoming.map(card)}</ul></section>` : null}
    ${data && total > pageSize
      ? html`<div class="list-more">
          <p class="muted" role="status">Showing ${items.length} of ${total}</p>
          ${data.nextCursor ? html`<button type="button" onClick=${showMore} disabled=${more.busy}>${more.busy ? 'Loading…' : 'Show more'}</button>` : null}
          ${more.error ? html`<p class="form-error" role="alert">Could not load more. ${explain(more.error)}</p>` : null}
        </div>`
      : null}
  </main>`;
}
