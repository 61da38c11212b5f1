/* global window */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { channelLabel, fmtDate, humanize, pct } from '../format.js';
import { Empty, ErrorState, Loading, useAsync } from '../ui.js';

// The report's field names are read tolerantly (first one present wins), so small naming
// differences between API versions do not blank the page.
const pick = (o, ...keys) => {
  for (const k of keys) if (o && o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
};
const list = (o, ...keys) => {
  const v = pick(o, ...keys);
  return Array.isArray(v) ? v : [];
};
const share = (v) => (v === undefined ? '—' : pct(v > 1 ? v / 100 : v));
const num = (v, digits = 0) => (v === undefined || v === null || Number.isNaN(Number(v)) ? '—' : Number(v).toFixed(digits));

function medianText(am) {
  const hours = pick(am, 'medianHoursToComplete', 'medianTimeToCompleteHours', 'medianCompletionHours');
  const seconds = pick(am, 'medianSecondsToComplete', 'medianTimeToCompleteSeconds', 'medianCompletionSeconds');
  const h = hours !== undefined ? Number(hours) : seconds !== undefined ? Number(seconds) / 3600 : undefined;
  if (h === undefined || Number.isNaN(h)) return '—';
  return h < 48 ? `${h.toFixed(1)} h` : `${(h / 24).toFixed(1)} days`;
}

function ScoreBars({ rows, label }) {
  const canvas = useRef(null);
  useEffect(() => {
    const Chart = window.Chart;
    if (!canvas.current || !Chart || !rows.length) return undefined;
    const colour = (v) => (v >= 70 ? '#16a34a' : v >= 40 ? '#ca8a04' : '#dc2626');
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.name),
        datasets: [{ label: 'Average relational score', data: rows.map((r) => r.score), backgroundColor: rows.map((r) => colour(r.score)) }],
      },
      options: {
        indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false,
        // Every bar keeps its name: a bar the reader cannot name says nothing about the process.
        scales: { x: { min: 0, max: 100, title: { display: true, text: 'Average relational score (0–100)' } }, y: { ticks: { autoSkip: false } } },
        plugins: { legend: { display: false } },
      },
    });
    return () => chart.destroy();
  }, [rows]);
  if (!rows.length || !window.Chart) return null;
  // A row of height per bar, so that sixteen topics get room for sixteen labels.
  return html`<div class="chart-box bars" style=${{ height: `${Math.max(160, 60 + rows.length * 22)}px` }}><canvas ref=${canvas} role="img" aria-label=${label}></canvas></div>`;
}

function ScoreTable({ title, id, rows, nameOf, keyName }) {
  const sorted = rows
    .map((r) => ({ name: nameOf(r), score: Number(pick(r, 'averageRelationalScore', 'averageScore', 'avgScore', 'relationalScore')), count: pick(r, 'contacts', 'count', 'touchpoints') }))
    .filter((r) => !Number.isNaN(r.score))
    .sort((a, b) => a.score - b.score);
  return html`<section class="card" aria-labelledby=${id}>
    <h2 id=${id}>${title}</h2>
    <p class="muted small">Lowest first: these ${keyName} create the most distance.</p>
    ${sorted.length === 0 ? html`<${Empty}><p>No contacts in this period yet.</p></${Empty}>` : null}
    <${ScoreBars} rows=${sorted} label=${`${title}: ${sorted.map((r) => `${r.name} ${Math.round(r.score)}`).join(', ')}`} />
    ${sorted.length
      ? html`<details class="as-table"><summary>Show as a table</summary><div class="table-wrap"><table>
          <thead><tr><th scope="col">${humanize(keyName)}</th><th scope="col">Average relational score</th><th scope="col">Contacts</th></tr></thead>
          <tbody>${sorted.map((r) => html`<tr key=${r.name}><th scope="row">${r.name}</th><td>${num(r.score)}</td><td>${r.count ?? '—'}</td></tr>`)}</tbody>
        </table></div></details>`
      : null}
  </section>`;
}

/** Per account manager: relational vs transactional share, follow-up handling; per channel and topic: average relational score. */
export function TeamPage({ user }) {
  const [days, setDays] = useState('90');
  const report = useAsync(
    (signal) => api(`/reports/team?from=${encodeURIComponent(new Date(Date.now() - Number(days) * 86_400_000).toISOString())}`, { signal }),
    [days],
  );
  const r = report.data;
  const ams = list(r, 'accountManagers', 'perAccountManager', 'members', 'team');
  const channels = list(r, 'channels', 'perChannel', 'byChannel');
  const topics = list(r, 'topics', 'perTopic', 'byTopic');
  const from = pick(r, 'from', 'periodStart') ?? pick(pick(r, 'period') || {}, 'from');
  const to = pick(r, 'to', 'periodEnd') ?? pick(pick(r, 'period') || {}, 'to');

  return html`<main id="main" tabindex="-1" class="page">
    <div class="page-head">
      <h1>${user.role === 'team_lead' ? 'My team' : 'Teams'}</h1>
      <p class="muted summary">Does this process create closeness or distance? For coaching, not for scoring people.${from && to ? ` Period: ${fmtDate(from)} – ${fmtDate(to)}.` : ''}</p>
    </div>
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <div class="field">
        <label for="team-period">Period</label>
        <select id="team-period" value=${days} onChange=${(e) => setDays(e.currentTarget.value)}>
          <option value="30">Last 30 days</option>
          <option value="90">Last 90 days</option>
          <option value="365">Last 12 months</option>
        </select>
      </div>
    </form>
    ${report.loading ? html`<${Loading} what="the team report" />` : null}
    ${report.error ? html`<${ErrorState} error=${report.error} what="the team report" onRetry=${report.reload}
      hint=${report.error.status === 404 ? 'The team report is not available on this server yet. Ask your administrator to update Closeness.' : null} />` : null}
    ${r
      ? html`<section class="card" aria-labelledby="team-ams">
          <h2 id="team-ams">Account managers</h2>
          ${ams.length === 0 ? html`<${Empty}><p>No account managers in your team yet. An administrator adds them with your name as team lead.</p></${Empty}>` : null}
          ${ams.length
            ? html`<div class="table-wrap"><table class="responsive team-table">
                <thead><tr>
                  <th scope="col">Account manager</th><th scope="col">Contacts</th><th scope="col">Relational</th><th scope="col">Transactional</th>
                  <th scope="col">Open follow-ups</th><th scope="col">Overdue</th><th scope="col">Median time to complete</th>
                </tr></thead>
                <tbody>${ams.map((am) => {
                  const rel = pick(am, 'relationalShare', 'shareRelational', 'relational');
                  const tra = pick(am, 'transactionalShare', 'shareTransactional', 'transactional');
                  return html`<tr key=${pick(am, 'id', 'accountManagerId', 'name')}>
                    <th scope="row" data-label="Account manager">${pick(am, 'name', 'accountManagerName', 'email') || 'Unassigned'}</th>
                    <td data-label="Contacts">${num(pick(am, 'contacts', 'touchpoints', 'total'))}</td>
                    <td data-label="Relational"><span class="share share-rel">${share(typeof rel === 'object' ? pick(rel, 'share') : rel)}</span></td>
                    <td data-label="Transactional"><span class="share share-tra">${share(typeof tra === 'object' ? pick(tra, 'share') : tra)}</span></td>
                    <td data-label="Open follow-ups">${(() => {
                      // The report's count (snoozed ones are not open) links to the same tasks in the list.
                      const open = pick(am, 'openFollowUps', 'open');
                      const id = pick(am, 'id', 'accountManagerId');
                      return id && Number(open) > 0
                        ? html`<a class="count-pill" href=${`#/follow-ups?assignee=${encodeURIComponent(id)}`} aria-label=${`${num(open)} open follow-ups of ${pick(am, 'name') || 'this account manager'}`}>${num(open)}</a>`
                        : num(open);
                    })()}</td>
                    <td data-label="Overdue">${num(pick(am, 'overdueFollowUps', 'overdue'))}</td>
                    <td data-label="Median time to complete">${medianText(am)}</td>
                  </tr>`;
                })}</tbody>
              </table></div>`
            : null}
        </section>
        <div class="two-col">
          <${ScoreTable} title="Channels" id="team-channels" rows=${channels} keyName="channels" nameOf=${(x) => channelLabel(pick(x, 'key', 'channel', 'name'))} />
          <${ScoreTable} title="Topics" id="team-topics" rows=${topics} keyName="topics" nameOf=${(x) => pick(x, 'key', 'topic', 'name') || '(no topic)'} />
        </div>`
      : null}
  </main>`;
}
