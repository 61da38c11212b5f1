import { html } from 'htm/preact';
import { api } from '../api.js';
import { Empty, ErrorState, Loading, useAsync } from '../ui.js';

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
            <thead><tr><th scope="col">Name</th><th scope="col">Position</th><th scope="col">Lag (events)</th><th scope="col">Lag (seconds)</th><th scope="col">Status</th></tr></thead>
            <tbody>${rows.map((p) => html`<tr key=${p.name}><th scope="row">${p.name}</th><td>${p.position}</td><td>${p.lagEvents}</td><td>${typeof p.lagSeconds === 'number' ? p.lagSeconds.toFixed(1) : p.lagSeconds}</td><td>${p.status}</td></tr>`)}</tbody>
          </table></div>`
        : null}
    </section>
  </main>`;
}
