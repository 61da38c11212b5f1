import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { SUITES } from './suites/index.js';
import { dropLeftovers, freshBenchDatabase, PG_BASE, REDIS_URL } from './support.js';
import type { BenchContext, Goal, Row } from './types.js';

// Compiled to dist/bench/run.js; the repository root is two levels up from there (or one from bench/).
const here = path.dirname(fileURLToPath(import.meta.url));
const root = [path.resolve(here, '../..'), path.resolve(here, '..'), process.cwd()].find((d) => existsSync(path.join(d, 'bench', 'pg-baseline.sh')))!;
const quick = process.env.BENCH_QUICK === '1';
// `npm run bench -- service,projections` or BENCH_SUITES=service,projections: only those suites.
const only = (process.argv.slice(2).join(',') || process.env.BENCH_SUITES || '').split(',').map((s) => s.trim()).filter(Boolean);
const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

interface Result extends Row {
  suite: string;
  baseline?: number;
  ratio?: number;
  met?: boolean;
}

function runBaseline(): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(root, 'bench', 'pg-baseline.sh')], { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      for (const line of String(d).split('\n').filter(Boolean)) log(line);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`pg-baseline.sh exited with ${code}`));
      const baseline: Record<string, number> = {};
      for (const m of out.matchAll(/^baseline (\S+) (\d+(?:\.\d+)?)$/gm)) baseline[m[1]] = Number(m[2]);
      resolve(baseline);
    });
  });
}

function judge(row: Row, ratio: number | undefined): boolean | undefined {
  const goal: Goal | undefined = row.goal;
  if (goal === undefined) return undefined;
  if (typeof goal === 'number') return row.baselineKey ? ratio !== undefined && ratio >= goal : row.figure >= goal;
  if ('minRatio' in goal) return ratio !== undefined && ratio >= goal.minRatio;
  if ('atLeast' in goal) return row.figure >= goal.atLeast;
  if ('atMost' in goal) return row.figure <= goal.atMost;
  return undefined;
}

function goalText(row: Row): string {
  const goal = row.goal;
  if (goal === undefined) return '';
  if (typeof goal === 'number') return row.baselineKey ? `≥ ${goal}× baseline` : `≥ ${goal}`;
  if ('minRatio' in goal) return `≥ ${goal.minRatio}× baseline`;
  if ('atLeast' in goal) return `≥ ${fmt(goal.atLeast)} ${row.unit}`;
  if ('atMost' in goal) return `≤ ${fmt(goal.atMost)} ${row.unit}`;
  return goal.text;
}

const fmt = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '' : Number.isInteger(n) ? n.toLocaleString('en') : n.toLocaleString('en', { maximumFractionDigits: 2 }));

function table(results: Result[]): string {
  const head = ['suite', 'measure', 'figure', 'unit', 'baseline', 'ratio', 'goal', 'met?'];
  const lines = results.map((r) => [
    r.suite,
    r.measure,
    fmt(r.figure),
    r.unit,
    r.baseline === undefined ? '' : `${fmt(r.baseline)} (${r.baselineKey})`,
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
    goalText(r),
    r.met === undefined ? '' : r.met ? 'yes' : '**no**',
  ]);
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}

async function machine(): Promise<string[]> {
  const cpus = os.cpus();
  const lines = [`- cores: ${cpus.length} (${cpus[0]?.model ?? 'unknown'})`, `- memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`, `- load average at start: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`, `- node: ${process.version}`];
  try {
    const client = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
    await client.connect();
    const { rows } = await client.query(`SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc, current_setting('shared_buffers') AS sb`);
    await client.end();
    lines.push(`- PostgreSQL: ${rows[0].v} (synchronous_commit=${rows[0].sc}, shared_buffers=${rows[0].sb})`);
  } catch (err) {
    lines.push(`- PostgreSQL: unreachable (${String(err)})`);
  }
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('server');
    lines.push(`- Redis: ${/redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown'}`);
  } catch (err) {
    lines.push(`- Redis: unreachable (${String(err)})`);
  } finally {
    redis.disconnect();
  }
  return lines;
}

function writeReport(body: string) {
  const file = path.join(root, 'BENCHMARKS.md');
  const start = '<!-- bench:results:start -->';
  const end = '<!-- bench:results:end -->';
  const block = `${start}\n${body}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmarks\n\nHow to run: \`npm run bench\` (about 5–15 minutes; \`BENCH_QUICK=1 npm run bench\` for a smoke run that does not touch this file).\n\n`;
  if (text.includes(start) && text.includes(end)) text = text.slice(0, text.indexOf(start)) + block + text.slice(text.indexOf(end) + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
  log(`wrote ${file}`);
}

async function main() {
  const started = Date.now();
  const startedAt = new Date().toISOString();
  const machineLines = await machine();
  log(`raw baseline (bench/pg-baseline.sh)${quick ? ', quick' : ''}`);
  const baseline = await runBaseline();

  const ctx: BenchContext = {
    quick,
    baseline,
    pgBase: PG_BASE,
    redisUrl: REDIS_URL,
    freshDatabase: freshBenchDatabase,
    size: (full, small) => (quick ? small : full),
    log: (m) => log(`  ${m}`),
  };
  const results: Result[] = [];
  const failures: string[] = [];
  for (const suite of SUITES) {
    if (only.length > 0 && !only.includes(suite.name)) continue;
    log(`suite ${suite.name}`);
    const t0 = Date.now();
    try {
      for (const row of await suite.run(ctx)) {
        const base = row.baselineKey ? baseline[row.baselineKey] : undefined;
        const ratio = base ? row.figure / base : undefined;
        const result: Result = { ...row, suite: suite.name, baseline: base, ratio, met: judge(row, ratio) };
        results.push(result);
        // each figure as soon as it is known, so an interrupted run still shows what it measured
        log(`  = ${row.measure}: ${fmt(row.figure)} ${row.unit}${ratio === undefined ? '' : ` (${ratio.toFixed(2)}× ${row.baselineKey})`}`);
      }
      log(`suite ${suite.name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    } catch (err) {
      failures.push(`${suite.name}: ${err instanceof Error ? err.message : String(err)}`);
      log(`suite ${suite.name} FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    } finally {
      await dropLeftovers();
    }
  }

  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const rendered = table(results);
  const baselineLines = Object.entries(baseline).map(([k, v]) => `- \`${k}\`: ${fmt(v)}`);
  const notes = results.filter((r) => r.note).map((r) => `- ${r.suite} / ${r.measure}: ${r.note}`);
  process.stdout.write(`\n${rendered}\n\n${failures.length ? `FAILED suites:\n${failures.map((f) => `- ${f}`).join('\n')}\n` : ''}Total ${minutes} min.\n`);

  const body = [
    `## Latest run`,
    '',
    `- date: ${startedAt}`,
    `- command: ${only.length ? `\`BENCH_SUITES=${only.join(',')} npm run bench\` (partial run: only these suites)` : '`npm run bench`'}`,
    `- duration: ${minutes} min`,
    ...machineLines,
    '',
    rendered,
    '',
    `Raw baseline of this run (bench/pg-baseline.sh, same machine, same minute):`,
    '',
    ...baselineLines,
    ...(notes.length ? ['', 'Notes:', '', ...notes] : []),
    ...(failures.length ? ['', 'Suites that failed in this run:', '', ...failures.map((f) => `- ${f}`)] : []),
  ].join('\n');
  // A partial run (BENCH_SUITES) is recorded, and says so in its command line; a quick one never.
  if (quick) log('quick run: BENCHMARKS.md left unchanged');
  else writeReport(body);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void dropLeftovers().finally(() => process.exit(1));
  },
);
