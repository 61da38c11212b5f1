/* global window, URLSearchParams, setTimeout, clearTimeout */
import { html } from 'htm/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, apiAll } from '../api.js';
import { fmtAgo, fmtDate, fmtDay, money, moneyShort, renewalSoon, renewalWords, segmentLabel } from '../format.js';
import { BandChip, Empty, ErrorState, Loading, Risk, Trend, useAsync } from '../ui.js';

const SORTS = { risk: 'Riskiest first', health: 'Lowest health first', name: 'Name' };

/** The signed-in user's customers (an account manager's own; a team lead's team; an admin's all). */
export function PortfolioPage({ user, query }) {
  const band = query.get('band') || '';
  const sort = SORTS[query.get('sort')] ? query.get('sort') : 'risk';
  const [search, setSearch] = useState(query.get('q') || '');
  // The server searches (GET /customers?q=: case and accents ignored, so "bjorn" finds Bjørn), a moment after typing stops.
  const [needle, setNeedle] = useState(search.trim());
  useEffect(() => {
    const t = setTimeout(() => setNeedle(search.trim()), 250);
    return () => clearTimeout(t);
  }, [search]);

  const list = useAsync(
    (signal) => apiAll(`/customers?sort=${sort}${band ? `&band=${band}` : ''}${needle ? `&q=${encodeURIComponent(needle.slice(0, 200))}` : ''}`, { signal }),
    [band, sort, needle],
  );
  // Names of account managers, for leads and admins who see several portfolios (optional: the list works without it).
  const people = useAsync(
    (signal) => (user.role === 'account_manager' ? Promise.resolve([]) : api('/users', { signal }).catch(() => [])),
    [user.role],
  );
  const amName = useMemo(() => {
    const raw = people.data;
    const arr = Array.isArray(raw) ? raw : (raw && raw.items) || [];
    return new Map(arr.map((u) => [u.id, u.name]));
  }, [people.data]);

  const setParam = (key, value) => {
    const q = new URLSearchParams(query);
    if (value) q.set(key, value);
    else q.delete(key);
    const s = q.toString();
    window.location.hash = `#/portfolio${s ? `?${s}` : ''}`;
  };

  const items = list.data ? list.data.items : [];
  // Customers who have left are counted as such, not as red: they are not a risk to act on.
  const counts = items.reduce((acc, c) => {
    const k = c.churnedAt ? 'churned' : c.health && c.health.band;
    return { ...acc, [k]: (acc[k] || 0) + 1 };
  }, {});
  const showAm = user.role !== 'account_manager';

  return html`<main id="main" tabindex="-1" class="page">
    <div class="page-head">
      <h1>${user.role === 'account_manager' ? 'My portfolio' : user.role === 'team_lead' ? "My team's portfolio" : 'All customers'}</h1>
      ${list.data ? html`<p class="muted summary">${items.length} customer${items.length === 1 ? '' : 's'}${band ? ` in the ${band} band` : ''}${needle ? ` named like “${needle}”` : ''}
        ${!band && items.length ? html` · <span class="c-red">${counts.red || 0} red</span>, <span class="c-yellow">${counts.yellow || 0} yellow</span>, <span class="c-green">${counts.green || 0} green</span>${counts.churned ? html`, <span class="muted">${counts.churned} churned</span>` : null}` : null}</p>` : null}
    </div>
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <div class="field">
        <label for="pf-search">Search by name</label>
        <input id="pf-search" type="search" placeholder="e.g. Fjord" value=${search} onInput=${(e) => setSearch(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="pf-band">Band</label>
        <select id="pf-band" value=${band} onChange=${(e) => setParam('band', e.currentTarget.value)}>
          <option value="">All bands</option>
          <option value="red">Red</option>
          <option value="yellow">Yellow</option>
          <option value="green">Green</option>
        </select>
      </div>
      <div class="field">
        <label for="pf-sort">Sort</label>
        <select id="pf-sort" value=${sort} onChange=${(e) => setParam('sort', e.currentTarget.value === 'risk' ? '' : e.currentTarget.value)}>
          ${Object.entries(SORTS).map(([k, v]) => html`<option value=${k}>${v}</option>`)}
        </select>
      </div>
    </form>
    ${list.loading && !list.data ? html`<${Loading} what="your customers" />` : null}
    ${list.error ? html`<${ErrorState} error=${list.error} what="your customers" onRetry=${list.reload} />` : null}
    ${list.data && items.length === 0 && !needle
      ? html`<${Empty}>
          ${band
            ? html`<p>No customers in the ${band} band. <a href="#/portfolio">Show all bands</a>.</p>`
            : html`<p><strong>No customers yet.</strong> ${user.role === 'account_manager'
                ? 'None are assigned to you. Ask your team lead to assign customers to you.'
                : 'Create customers through the API or a CRM connection, or run “npm run demo” to load example data.'}</p>`}
        </${Empty}>`
      : null}
    ${list.data && items.length === 0 && needle
      ? html`<${Empty}><p>No customer name contains “${needle}”${band ? ` in the ${band} band` : ''}. <button type="button" class="link" onClick=${() => setSearch('')}>Clear the search</button></p></${Empty}>`
      : null}
    ${items.length > 0
      ? html`<div class="table-wrap">
          <table class="portfolio responsive">
            <caption class="sr-only">Customers, ${SORTS[sort].toLowerCase()}</caption>
            <thead>
              <tr>
                <th scope="col">Customer</th>
                ${showAm ? html`<th scope="col">Account manager</th>` : null}
                <th scope="col">Health</th>
                <th scope="col">Churn risk</th>
                <th scope="col">Last relational contact</th>
                <th scope="col">Open follow-ups</th>
                <th scope="col" class="num">Annual value</th>
                <th scope="col">Renewal</th>
              </tr>
            </thead>
            <tbody>
              ${items.map(
                (c) => html`<tr key=${c.id} class=${`row-${c.health && c.health.band}`}>
                  <th scope="row" data-label="Customer">
                    <a href=${`#/customers/${c.id}`}>${c.name}</a>
                    <span class="muted small">${[segmentLabel(c.segment), c.externalId].filter(Boolean).join(' · ')}</span>
                  </th>
                  ${showAm ? html`<td data-label="Account manager">${c.accountManagerId ? amName.get(c.accountManagerId) || 'Assigned' : html`<span class="muted">Unassigned</span>`}</td>` : null}
                  <td data-label="Health">
                    ${c.health ? html`<${BandChip} score=${c.health.score} band=${c.health.band} /> <${Trend} value=${c.health.trend30d} />` : html`<span class="muted">not scored yet</span>`}
                  </td>
                  <td data-label="Churn risk"><${Risk} churnRisk=${c.churnRisk} churnedAt=${c.churnedAt} /></td>
                  <td data-label="Last relational contact"><span title=${fmtDate(c.lastRelationalContactAt)}>${fmtAgo(c.lastRelationalContactAt)}</span></td>
                  <td data-label="Open follow-ups">${c.openFollowUps ? html`<a href=${`#/customers/${c.id}`} class="count-pill">${c.openFollowUps}</a>` : html`<span class="muted">0</span>`}</td>
                  <td data-label="Annual value" class="num">${c.annualValue == null ? html`<span class="muted">—</span>` : html`<span title=${money(c.annualValue)}>${moneyShort(c.annualValue)}</span>`}</td>
                  <td data-label="Renewal">${c.renewalDate
                    ? html`<span class=${renewalSoon(c.renewalDate) ? 'renewal-soon' : ''}>${fmtDay(c.renewalDate)}</span> <span class="muted small">${renewalWords(c.renewalDate)}</span>`
                    : html`<span class="muted">—</span>`}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
        ${list.data && !list.data.complete ? html`<p class="muted">Showing the first ${items.length} customers. Use the band filter to narrow the list.</p>` : null}`
      : null}
  </main>`;
}
