import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, explain } from '../api.js';
import { announce, BandChip, ErrorState, Loading, useAsync } from '../ui.js';

const pct = (v) => (typeof v === 'number' ? `${(100 * v).toFixed(1)}%` : '—');
const num = (v, d = 3) => (typeof v === 'number' ? v.toFixed(d) : '—');

/**
 * Admins: the health weights and bands in force, a preview of a change over the last 90 days of
 * the log, applying it (audited, then a rebuild), and the churn model with its backtest.
 */
export function HealthConfigPage() {
  const current = useAsync((signal) => api('/ops/health-config', { signal }), []);
  const churn = useAsync((signal) => api('/ops/churn-model', { signal }), []);
  const [text, setText] = useState(null);
  const [preview, setPreview] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const value = text ?? (current.data ? JSON.stringify(current.data.overrides, null, 2) : '{}');

  const run = async (what) => {
    setBusy(true);
    setError(null);
    try {
      const overrides = JSON.parse(value);
      if (what === 'preview') setPreview(await api('/ops/health-config/preview', { method: 'POST', body: { overrides } }));
      else {
        await api('/ops/health-config', { method: 'PUT', body: { overrides } });
        announce('Health configuration applied; the read models are being rebuilt.');
        setPreview(null);
        current.reload();
      }
    } catch (err) {
      setError(err instanceof SyntaxError ? { message: `Not JSON: ${err.message}` } : err);
    } finally {
      setBusy(false);
    }
  };

  return html`<main id="main" tabindex="-1" class="page">
    <h1>Health configuration</h1>
    <section class="card" aria-labelledby="hc-title">
      <h2 id="hc-title">Weights and bands</h2>
      ${current.loading && !current.data ? html`<${Loading} what="the configuration" />` : null}
      ${current.error ? html`<${ErrorState} error=${current.error} what="the configuration" onRetry=${current.reload} />` : null}
      ${current.data
        ? html`<p class="muted">Version ${current.data.version}${current.data.updatedAt ? `, changed ${new Date(current.data.updatedAt).toLocaleString()}` : ' (the defaults)'}. Overrides over the defaults, e.g. <code>{"bands": {"green": 75}, "pulse": {"weight": 12}}</code> (docs/health-and-churn.md lists every key).</p>
          <label for="hc-overrides">Overrides (JSON)</label>
          <textarea id="hc-overrides" rows="8" class="code" value=${value} onInput=${(e) => setText(e.target.value)}></textarea>
          ${error ? html`<p class="error" role="alert">${error.message && !error.status ? error.message : explain(error)}</p>` : null}
          <p>
            <button type="button" disabled=${busy} onClick=${() => run('preview')}>${busy ? 'Working…' : 'Preview over the last 90 days'}</button>
            <button type="button" disabled=${busy || !preview} onClick=${() => run('apply')} title=${preview ? '' : 'Preview first'}>Apply and rebuild</button>
          </p>`
        : null}
      ${preview ? html`<${Preview} p=${preview} />` : null}
    </section>
    <section class="card" aria-labelledby="cm-title">
      <h2 id="cm-title">Churn model</h2>
      ${churn.loading && !churn.data ? html`<${Loading} what="the churn model" />` : null}
      ${churn.error ? html`<${ErrorState} error=${churn.error} what="the churn model" onRetry=${churn.reload} />` : null}
      ${churn.data ? html`<${ChurnModel} m=${churn.data} />` : null}
    </section>
  </main>`;
}

function Preview({ p }) {
  return html`<div class="preview" aria-live="polite">
    <h3>What it would have done (${p.from ? new Date(p.from).toLocaleDateString() : '—'} – ${p.to ? new Date(p.to).toLocaleDateString() : '—'})</h3>
    <p><strong>${p.changedNow}</strong> of ${p.customers} customers change band now; <strong>${p.changedOnSomeDay}</strong> on at least one day, <strong>${p.changedDays}</strong> customer-days in all.</p>
    <p class="muted">Bands now: green ${p.bandsBefore.green} → ${p.bandsAfter.green}, yellow ${p.bandsBefore.yellow} → ${p.bandsAfter.yellow}, red ${p.bandsBefore.red} → ${p.bandsAfter.red}.</p>
    ${p.examples.map((x) => html`<details key=${x.customerId}>
      <summary><a href=${`#/customers/${x.customerId}`}>${x.name || x.customerId}</a>: <${BandChip} score=${x.scoreBefore} band=${x.bandBefore} /> → <${BandChip} score=${x.scoreAfter} band=${x.bandAfter} /> (${x.daysChanged} days differ)</summary>
      <div class="two-cols">
        <div><h4>Before</h4><ul>${x.driversBefore.map((d, i) => html`<li key=${i}>${d.effect > 0 ? '+' : ''}${d.effect} ${d.factor}</li>`)}</ul></div>
        <div><h4>After</h4><ul>${x.driversAfter.map((d, i) => html`<li key=${i}>${d.effect > 0 ? '+' : ''}${d.effect} ${d.factor}</li>`)}</ul></div>
      </div>
    </details>`)}
  </div>`;
}

function ChurnModel({ m }) {
  const b = m.backtest;
  return html`<p class="muted">${m.source === 'default' ? 'The reasoned defaults (not fitted).' : `Applied ${m.appliedAt ? new Date(m.appliedAt).toLocaleString() : ''}${b ? ' from a backtest' : ''}.`} Apply a fitted file with <code>PUT /api/v1/ops/churn-model</code> (see docs/backtest.md).</p>
    <div class="table-wrap"><table>
      <thead><tr><th scope="col">Feature</th><th scope="col">Coefficient</th></tr></thead>
      <tbody>
        <tr><th scope="row">intercept</th><td>${num(m.intercept)}</td></tr>
        ${Object.entries(m.coefficients).map(([k, v]) => html`<tr key=${k}><th scope="row">${k}</th><td>${num(v)}</td></tr>`)}
      </tbody>
    </table></div>
    ${b && b.fitted
      ? html`<h3>Backtest (held-out customers, ${b.horizonDays}-day horizon, ${b.basis} time)</h3>
        <div class="table-wrap"><table>
          <thead><tr><th scope="col"></th><th scope="col">Fitted</th><th scope="col">Default</th></tr></thead>
          <tbody>
            <tr><th scope="row">ROC-AUC</th><td>${num(b.fitted.rocAuc)}</td><td>${num(b.default?.rocAuc)}</td></tr>
            <tr><th scope="row">PR-AUC</th><td>${num(b.fitted.prAuc)}</td><td>${num(b.default?.prAuc)}</td></tr>
            <tr><th scope="row">Brier</th><td>${num(b.fitted.brier, 4)}</td><td>${num(b.default?.brier, 4)}</td></tr>
            <tr><th scope="row">Top-decile lift</th><td>${num(b.fitted.topDecileLift, 2)}</td><td>${num(b.default?.topDecileLift, 2)}</td></tr>
            <tr><th scope="row">Largest calibration gap</th><td>${pct(b.fitted.maxCalibrationError)}</td><td>${pct(b.default?.maxCalibrationError)}</td></tr>
          </tbody>
        </table></div>`
      : null}`;
}
