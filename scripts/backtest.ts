// `npm run backtest [-- --fit] [--horizon 90] [--basis auto|knowledge|occurred] [--out dir] [--config file]`:
// scores the churn model against what happened after each monthly cut-off (docs/backtest.md).
// Reads the log through the event store; the features come from the projection's own functions.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EventStore, UpcasterRegistry, type StoredEvent } from '../libs/event-store/src/index.js';
import { readCustomerStreams } from '../libs/read-models/src/index.js';
import {
  CHURN_FEATURE_NAMES,
  churnCoefficientsOf,
  churnProbability,
  DEFAULT_HEALTH_CONFIG,
  fitChurn,
  healthConfig,
  modelFigures,
  type ChurnCoefficients,
  type ModelFigures,
} from '../libs/relationship/src/index.js';
import { openDatabase } from '../libs/shared/src/database/data-source.js';
import { UPCASTERS } from '../libs/shared/src/database/upcasters.js';
import { backtestRows, cvFoldOf, isHeldOutCustomer, logSpan, monthlyCutoffs, type BacktestRow, type TimeBasis } from './backtest/dataset.js';
import { reliabilitySvg } from './backtest/svg.js';

const { values: args } = parseArgs({
  options: {
    fit: { type: 'boolean', default: false },
    horizon: { type: 'string', default: '90' },
    basis: { type: 'string', default: 'auto' },
    out: { type: 'string', default: 'test-artifacts/backtest' },
    config: { type: 'string' },
    'database-url': { type: 'string' },
  },
});
const horizonDays = Number(args.horizon);
if (!(horizonDays > 0 && horizonDays <= 730)) fail('--horizon must be a number of days, 1–730');
if (!['auto', 'knowledge', 'occurred'].includes(args.basis!)) fail('--basis must be auto, knowledge or occurred');
const databaseUrl = args['database-url'] ?? process.env.DATABASE_URL;
if (!databaseUrl) fail('set DATABASE_URL (or --database-url) to the Closeness database');
// A configuration file (e.g. the one `--fit` wrote, or one in force) is evaluated instead of the defaults' coefficients.
const candidate: ChurnCoefficients | undefined = args.config ? readCoefficients(args.config) : undefined;

function fail(message: string): never {
  process.stderr.write(`backtest: ${message}\n`);
  process.exit(2);
}

function readCoefficients(path: string): ChurnCoefficients {
  const file = JSON.parse(readFileSync(path, 'utf8'));
  const c = healthConfig({ churn: { intercept: file.intercept, coefficients: file.coefficients } });
  return churnCoefficientsOf(c);
}

const started = performance.now();
const ds = await openDatabase(databaseUrl, 2, 'closeness-backtest');
let streams: Map<string, StoredEvent[]>;
try {
  const store = new EventStore(ds, new UpcasterRegistry(UPCASTERS));
  streams = await readCustomerStreams(store);
  const count = [...streams.values()].reduce((n, l) => n + l.length, 0);
  process.stderr.write(`backtest: read ${count} customer events of ${streams.size} customers in ${secs()} s\n`);
} finally {
  await ds.destroy();
}

function secs(): string {
  return ((performance.now() - started) / 1000).toFixed(1);
}

// The basis: knowledge time when the log was recorded over long enough to have past cut-offs.
const knowledgeSpan = logSpan(streams, 'knowledge');
let basis: TimeBasis;
if (args.basis === 'auto') {
  basis = monthlyCutoffs(knowledgeSpan.first, knowledgeSpan.last, horizonDays).length >= 3 ? 'knowledge' : 'occurred';
} else basis = args.basis as TimeBasis;
const span = logSpan(streams, basis);
const cutoffs = monthlyCutoffs(span.first, span.last, horizonDays);
const warnings: string[] = [];
if (basis === 'occurred') {
  warnings.push(
    `the log was recorded between ${iso(knowledgeSpan.first)} and ${iso(knowledgeSpan.last)}: too short for knowledge-time cut-offs, so events count from when they occurred (an import replayed as if recorded live)`,
  );
}
if (cutoffs.length === 0) fail(`no monthly cut-off has a whole ${horizonDays}-day horizon inside the log (${iso(span.first)} – ${iso(span.last)})`);

function iso(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : '—';
}

const rows = backtestRows(streams, cutoffs, { horizonDays, basis, config: DEFAULT_HEALTH_CONFIG });
process.stderr.write(`backtest: ${rows.length} customer-months at ${cutoffs.length} cut-offs (${basis} time) in ${secs()} s\n`);

const defaults = churnCoefficientsOf(DEFAULT_HEALTH_CONFIG);
const train = rows.filter((r) => !isHeldOutCustomer(r.customerId));
const test = rows.filter((r) => isHeldOutCustomer(r.customerId));
const scored = (rs: BacktestRow[], model: ChurnCoefficients) => rs.map((r) => ({ p: churnProbability(r.features, model), y: r.y }));

interface Fitted {
  lambda: number;
  cv: { lambda: number; logLoss: number }[];
  model: ChurnCoefficients;
  sweeps: number;
  converged: boolean;
}

// λ by 5-fold cross-validation over the training customers (log-loss), then one fit on all of them.
function fit(): Fitted {
  const lambdas = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1];
  const cv = lambdas.map((lambda) => {
    let loss = 0;
    let n = 0;
    for (let k = 0; k < 5; k++) {
      const inFold = train.filter((r) => cvFoldOf(r.customerId) === k);
      const m = fitChurn(train.filter((r) => cvFoldOf(r.customerId) !== k), { lambda, fixed: ['churned'] });
      for (const r of inFold) {
        const p = Math.min(Math.max(churnProbability(r.features, m), 1e-9), 1 - 1e-9);
        loss -= r.y * Math.log(p) + (1 - r.y) * Math.log(1 - p);
        n++;
      }
    }
    return { lambda, logLoss: n > 0 ? loss / n : Infinity };
  });
  const best = cv.reduce((a, b) => (b.logLoss < a.logLoss ? b : a));
  const m = fitChurn(train, { lambda: best.lambda, fixed: ['churned'] });
  return { lambda: best.lambda, cv, model: { intercept: m.intercept, coefficients: m.coefficients }, sweeps: m.sweeps, converged: m.converged };
}

const fitted = args.fit ? fit() : undefined;
const figures: Record<string, ModelFigures> = {
  'default (all customers)': modelFigures(scored(rows, defaults)),
  'default (held-out customers)': modelFigures(scored(test, defaults)),
};
if (candidate) figures['--config (held-out customers)'] = modelFigures(scored(test, candidate));
if (fitted) figures['fitted (held-out customers)'] = modelFigures(scored(test, fitted.model));
const elapsed = Number(secs());

const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
const num = (v: number | null, d = 3) => (v === null ? '—' : v.toFixed(d));
const lines: string[] = [];
lines.push(`Churn backtest: ${streams.size} customers, ${cutoffs.length} monthly cut-offs ${iso(cutoffs[0])} … ${iso(cutoffs[cutoffs.length - 1])}, horizon ${horizonDays} days, ${basis} time`);
for (const w of warnings) lines.push(`  note: ${w}`);
lines.push(`  rows: ${rows.length} customer-months (${rows.reduce((s, r) => s + r.y, 0)} followed by a churn); fitted on ${train.length} rows of ${new Set(train.map((r) => r.customerId)).size} customers, reported on ${test.length} rows of ${new Set(test.map((r) => r.customerId)).size} held-out customers`);
lines.push('');
const names = Object.keys(figures);
lines.push(`${''.padEnd(18)}${names.map((n) => n.padStart(32)).join('')}`);
const row = (label: string, f: (m: ModelFigures) => string) => lines.push(`${label.padEnd(18)}${names.map((n) => f(figures[n]).padStart(32)).join('')}`);
row('rows (churned)', (m) => `${m.n} (${m.positives})`);
row('base rate', (m) => pct(m.baseRate));
row('ROC-AUC', (m) => num(m.rocAuc));
row('PR-AUC', (m) => num(m.prAuc));
row('Brier', (m) => num(m.brier, 4));
row('top-decile lift', (m) => (m.topDecileLift === null ? '—' : `${m.topDecileLift.toFixed(2)}×`));
row('max |calib. gap|', (m) => pct(m.maxCalibrationError));
lines.push('');
lines.push('Calibration by decile (predicted → observed, n):');
for (let d = 1; d <= 10; d++) {
  lines.push(`  decile ${String(d).padStart(2)}${names.map((n) => {
    const b = figures[n].calibration.find((x) => x.decile === d);
    return (b ? `${pct(b.meanPredicted)} → ${pct(b.observedRate)} (${b.n})` : '—').padStart(32);
  }).join('')}`);
}
if (fitted) {
  lines.push('');
  lines.push(`Fitted coefficients (λ = ${fitted.lambda} by 5-fold CV on the training customers; ${fitted.sweeps} sweeps, converged ${fitted.converged}):`);
  lines.push(`  ${'intercept'.padEnd(24)} ${num(defaults.intercept, 2).padStart(8)} → ${num(fitted.model.intercept, 3).padStart(8)}`);
  for (const f of CHURN_FEATURE_NAMES) lines.push(`  ${f.padEnd(24)} ${num(defaults.coefficients[f], 2).padStart(8)} → ${num(fitted.model.coefficients[f], 3).padStart(8)}${f === 'churned' ? '  (held: no live customer shows it)' : ''}`);
}
lines.push('');
lines.push(`Done in ${elapsed.toFixed(1)} s.`);

const outDir = resolve(args.out!);
mkdirSync(outDir, { recursive: true });
const chart = join(outDir, 'reliability.svg');
writeFileSync(
  chart,
  reliabilitySvg(`Churn within ${horizonDays} days, held-out customers (${basis} time)`, [
    { name: 'default', colour: '#c0392b', bins: figures['default (held-out customers)'].calibration },
    ...(candidate ? [{ name: '--config', colour: '#8e44ad', bins: figures['--config (held-out customers)'].calibration }] : []),
    ...(fitted ? [{ name: 'fitted', colour: '#2471a3', bins: figures['fitted (held-out customers)'].calibration }] : []),
  ]),
);
const summary = {
  ranAt: new Date().toISOString(),
  basis,
  warnings,
  horizonDays,
  customers: streams.size,
  cutoffs: { first: iso(cutoffs[0]), last: iso(cutoffs[cutoffs.length - 1]), count: cutoffs.length },
  rows: rows.length,
  split: 'customers with sha256(id)[0] < 77 held out (~30%)',
  elapsedSeconds: elapsed,
  figures: Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, roundFigures(v)])),
  ...(fitted ? { fit: { lambda: fitted.lambda, cv: fitted.cv, sweeps: fitted.sweeps, converged: fitted.converged } } : {}),
};
writeFileSync(join(outDir, 'report.json'), `${JSON.stringify(summary, null, 2)}\n`);
writeFileSync(join(outDir, 'report.txt'), `${lines.join('\n')}\n`);
let written = `${chart}, ${join(outDir, 'report.json')}`;
if (fitted) {
  // What an admin applies with PUT /api/v1/ops/churn-model (docs/backtest.md): the coefficients
  // and the figures that justify them.
  const held = figures['fitted (held-out customers)'];
  const file = {
    intercept: fitted.model.intercept,
    coefficients: fitted.model.coefficients,
    backtest: {
      ranAt: summary.ranAt,
      basis,
      horizonDays,
      cutoffs: summary.cutoffs,
      rows: rows.length,
      heldOutRows: held.n,
      lambda: fitted.lambda,
      fitted: headline(held),
      default: headline(figures['default (held-out customers)']),
    },
  };
  const path = join(outDir, 'churn-config.json');
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  written += `, ${path}`;
}
process.stdout.write(`${lines.join('\n')}\nwrote ${written}\n`);

function roundFigures(m: ModelFigures) {
  const r = (v: number | null) => (v === null ? null : Math.round(v * 10000) / 10000);
  return { ...headline(m), calibration: m.calibration.map((b) => ({ ...b, meanPredicted: r(b.meanPredicted), observedRate: r(b.observedRate) })) };
}

function headline(m: ModelFigures) {
  const r = (v: number | null) => (v === null ? null : Math.round(v * 10000) / 10000);
  return { n: m.n, positives: m.positives, rocAuc: r(m.rocAuc), prAuc: r(m.prAuc), brier: r(m.brier), topDecileLift: r(m.topDecileLift), maxCalibrationError: r(m.maxCalibrationError) };
}
