import { html } from 'htm/preact';
import { api } from '../api.js';
import { Empty, ErrorState, Loading, useAsync } from '../ui.js';

const n = (v) => Number(v).toLocaleString('en');

/** A rebuild under way, as the status cell says it: the live tables serve until its swap. */
const rebuilding = (r) =>
  `rebuilding in shadow tables: ${r.bucketsDone}/${r.buckets} buckets, ${n(r.eventsApplied)} of ${n(r.eventsTotal)} events` +
  (r.eventsPerSecond > 0 ? `, ${n(r.eventsPerSecond)}/s` : '') + (r.etaSeconds !== null && r.etaSeconds !== undefined ? `, about ${n(r.etaSeconds)} s left` : '') + ' (the live tables serve meanwhile)';

/** A rebuild whose last try failed: its own error, apart from the live status (which stays running). */
const rebuildFailing = (r) =>
  `rebuild failing (${n(r.attempts)} ${r.attempts === 1 ? 'try' : 'tries'} in a row${r.retryAt ? `, next at ${new Date(r.retryAt).toLocaleTimeString()}` : ''}): ${r.lastError ?? 'unknown error'}`;

/** Links and projection status for ops; no customer data here. */
export function OpsPage() {
  const projections = useAsync((signal) => api('/ops/projections', { signal }), []);
  const rows = Array.isArray(projections.data) ? projections.data : [];
  return html`<main id="main" tabindex="-1" class="page">
    <h1>Operations</h1>
    <ul class="link-list">
      <li><a href="/admin/queues">Queue dashboard</a> — queue depth, failed and delayed jobs, retries.</li>
      <li><a href="/docs">API documentation</a> — the OpenAPI reference.</li>
      <li><a href="/health/ready">Readiness check</a> — database, Redis and projection lag.</li>
    </ul>
    <section class="card" aria-labelledby="proj-title">
      <h2 id="proj-title">Projections</h2>
      ${projections.loading && !projections.data ? html`<${Loading} what="projection status" />` : null}
      ${projections.error ? html`<${ErrorState} error=${projections.error} what="projection status" onRetry=${projections.reload} />` : null}
      ${projections.data && rows.length === 0 ? html`<${Empty}><p>No projections registered.</p></${Empty}>` : null}
      ${rows.length
        ? html`<div class="table-wrap"><table>
            <thead><tr><th scope="col">Name</th><th scope="col">Position</th><th scope="col">Lag (events)</th><th scope="col">Lag (seconds)</th><th scope="col">Status</th><th scope="col">Parked</th></tr></thead>
            <tbody>${rows.map((p) => html`<tr key=${p.name}><th scope="row">${p.name}</th><td>${p.position}</td><td>${p.lagEvents}</td><td>${typeof p.lagSeconds === 'number' ? p.lagSeconds.toFixed(1) : p.lagSeconds}</td><td>${p.status}${p.status === 'rebuild_requested' && p.lastError ? html`<br /><span class="status-error small">${p.lastError}</span>` : null}${p.rebuild ? html`<br /><span class="muted small">${rebuilding(p.rebuild)}</span>` : null}${p.rebuild?.status === 'failing' ? html`<br /><span class="status-error small">${rebuildFailing(p.rebuild)}</span>` : null}</td><td>${p.parked ?? 0}</td></tr>`)}</tbody>
          </table></div>`
        : null}
      ${rows.some((p) => p.parked > 0)
        ? html`<h2>Parked events</h2>
          <p>Events a projection could not apply (and the later events of their stream, held behind them). Fix the cause, then retry: <code>POST /api/v1/ops/projections/:name/parked/:eventId/retry</code>.</p>
          <div class="table-wrap"><table>
            <thead><tr><th scope="col">Projection</th><th scope="col">Event</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Error</th><th scope="col">Attempts</th></tr></thead>
            <tbody>${rows.flatMap((p) => (p.parkedEvents ?? []).map((e) => html`<tr key=${p.name + e.eventId}><td>${p.name}</td><td><code>${e.eventId}</code></td><td>${e.type}</td><td>${e.status}</td><td>${e.error}</td><td>${e.attempts}</td></tr>`))}</tbody>
          </table></div>`
        : null}
    </section>
  </main>`;
}
