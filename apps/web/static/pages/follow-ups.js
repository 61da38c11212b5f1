import { html } from 'htm/preact';
import { useMemo } from 'preact/hooks';
import { api, apiAll } from '../api.js';
import { isOverdue } from '../format.js';
import { announce, Empty, ErrorState, FollowUpCard, Loading, useAsync, useClosedTasks } from '../ui.js';

/** Open follow-ups by due date, overdue first, with reasons and suggested actions. */
export function FollowUpsPage({ user }) {
  const list = useAsync((signal) => api('/follow-ups?status=open', { signal }), []);
  // Customer names for the headings; the tasks still show if the portfolio cannot be read.
  const customers = useAsync((signal) => apiAll('/customers?sort=name', { signal }).catch(() => ({ items: [] })), []);
  const names = useMemo(() => new Map(((customers.data && customers.data.items) || []).map((c) => [c.id, c.name])), [customers.data]);
  const closed = useClosedTasks(list.reload);
  const items = ((list.data && list.data.items) || []).filter((t) => t.status === 'open' && closed.isOpen(t)).sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  const overdue = items.filter((t) => isOverdue(t.dueAt));
  const upcoming = items.filter((t) => !isOverdue(t.dueAt));
  const card = (t) => html`<${FollowUpCard} key=${t.id} task=${t} customerName=${names.get(t.customerId) || 'Customer'}
    onDone=${(msg, taskId) => { announce(msg); closed.close(taskId); }} />`;

  return html`<main id="main" tabindex="-1" class="page">
    <div class="page-head">
      <h1>${user.role === 'account_manager' ? 'My follow-ups' : user.role === 'team_lead' ? "My team's follow-ups" : 'Open follow-ups'}</h1>
      ${list.data ? html`<p class="muted summary">${items.length} open · ${overdue.length} overdue</p>` : null}
    </div>
    ${list.loading && !list.data ? html`<${Loading} what="your follow-ups" />` : null}
    ${list.error ? html`<${ErrorState} error=${list.error} what="your follow-ups" onRetry=${list.reload} />` : null}
    ${list.data && items.length === 0
      ? html`<${Empty}><p><strong>Nothing to follow up right now.</strong> Closeness raises a task when a customer's contact turns transactional — check your <a href="#/portfolio">portfolio</a> for customers drifting towards red.</p></${Empty}>`
      : null}
    ${overdue.length ? html`<section aria-labelledby="fu-overdue"><h2 id="fu-overdue">Overdue</h2><ul class="follow-ups">${overdue.map(card)}</ul></section>` : null}
    ${upcoming.length ? html`<section aria-labelledby="fu-next"><h2 id="fu-next">${overdue.length ? 'Coming up' : 'By due date'}</h2><ul class="follow-ups">${upcoming.map(card)}</ul></section>` : null}
  </main>`;
}
