// `npm run demo`: fills a RUNNING Closeness through its public API and signed webhooks, so the
// whole pipeline (ingestion → projections → follow-up worker) runs on believable data.
// Each customer follows a latent relationship story (scripts/demo/stories.ts) that decides its
// touchpoints, texts, surveys and outcomes (scripts/demo/touchpoints.ts, texts.ts); docs/demo.md
// describes them. Deterministic (seeded PRNG, ids from seed, customer and touchpoint indexes) and
// idempotent: a second run finds every user, customer and touchpoint already there and adds
// nothing. It writes the ground truth (stories, outcomes) to a file and, with `settle`, runs the
// scheduled checks and waits for the projections, then compares the stories with the bands.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { demoCustomer, STORIES, STORY_SHARES, type DemoCustomer, type Story } from './demo/stories.js';
import { generateTouchpoints, type DemoTouchpoint, type Style } from './demo/touchpoints.js';
import { confusionOf, formatConfusion, outcomeAt, renewalDateOf, type Confusion } from './demo/simulate.js';

export { demoCustomer, storyOf, STORY_SHARES, type DemoCustomer, type Story } from './demo/stories.js';
export { demoTouchpoints, type DemoTouchpoint } from './demo/touchpoints.js';

export interface DemoOptions {
  baseUrl: string;
  adminEmail: string;
  adminPassword: string;
  /** Number of customers (200 for the full demo). */
  customers?: number;
  /** Average touchpoints per customer, replies included (90 for the full demo). Broadcasts keep their calendar. */
  touchpointsPerCustomer?: number;
  /** Seed of every draw (default 'v2'). Another seed gives another book of customers under other ids. */
  seed?: string;
  /** Send each customer's latest inbound message as a signed webhook (default true). */
  webhooks?: boolean;
  /** Progress bar on stderr (default: when stderr is a terminal). */
  progress?: boolean;
  /** Anchor of the time-relative dates (default: now; the draw uses its UTC day). Ids never depend on it. */
  now?: Date;
  /** Where to write the ground truth (JSON); none when unset. */
  groundTruthPath?: string;
  /**
   * Run the scheduled checks (silence check, follow-up sweep) through the ops API and wait until
   * the projections and the follow-up queue have caught up, then read the bands (needs a worker).
   */
  settle?: boolean;
  /** Give up settling after this long (default 10 minutes). */
  settleTimeoutMs?: number;
}

export interface DemoUser {
  role: 'team_lead' | 'account_manager' | 'ops';
  name: string;
  email: string;
  password: string;
  id: string;
}

export interface DemoResult {
  users: DemoUser[];
  customers: { created: number; existing: number; ids: Map<string, string> };
  touchpoints: { sent: number; accepted: number; duplicates: number; perChannel: Record<string, number> };
  webhooks: { sent: number; stored: number; duplicates: number; skipped?: string };
  outcomes: number;
  groundTruthPath?: string;
  settled?: Settled;
  elapsedMs: number;
}

export interface Settled {
  checks: { check: string; id: string; state: string }[];
  /** Story × final health band, over the demo's customers. */
  confusion: Confusion;
  /** Customers at score 0 without a churn outcome (should be none). */
  zeroWithoutChurn: string[];
  settleMs: number;
}

/** One customer's entry in the ground-truth file (docs/demo.md). */
export interface GroundTruthCustomer {
  externalId: string;
  id: string | null;
  name: string;
  language: 'en' | 'nb';
  segment: string;
  annualValue: number;
  accountManager: string;
  story: Story;
  shape: DemoCustomer['shape'];
  renewalDate: string;
  outcomes: { type: string; occurredAt: string; why: string }[];
  touchpoints: { total: number; perChannel: Record<string, number>; styles: Record<Style, number>; first: string | null; last: string | null };
  health?: { score: number; band: string; churnRisk: number };
}

// The demo users' passwords are printed at the end: this is example data for a local install.
export const DEMO_USERS: Omit<DemoUser, 'id'>[] = [
  { role: 'team_lead', name: 'Ingrid Berg', email: 'ingrid.berg@example.com', password: 'closeness-lead-1' },
  { role: 'account_manager', name: 'Kari Nordmann', email: 'kari.nordmann@example.com', password: 'closeness-am-1' },
  { role: 'account_manager', name: 'Ola Hansen', email: 'ola.hansen@example.com', password: 'closeness-am-2' },
  { role: 'account_manager', name: 'Emma Wilson', email: 'emma.wilson@example.com', password: 'closeness-am-3' },
  { role: 'account_manager', name: 'James Carter', email: 'james.carter@example.com', password: 'closeness-am-4' },
  { role: 'ops', name: 'Olav Drift', email: 'ops@example.com', password: 'closeness-ops-1' },
];

const BATCH = 1000;

// ---------------------------------------------------------------------------------------------
// The HTTP side.

class Http {
  token = '';
  constructor(private readonly baseUrl: string) {}

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, raw?: string): Promise<{ status: number; body: T }> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            accept: 'application/json',
            ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
            ...headers,
          },
          body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
        });
      } catch (err) {
        if (attempt < 4) {
          await sleep(500 * (attempt + 1));
          continue;
        }
        throw new Error(`cannot reach ${this.baseUrl}${path}: ${(err as Error).message}`, { cause: err });
      }
      // Busy or restarting server: back off and retry (every write here is idempotent).
      if ((res.status === 503 || res.status === 429) && attempt < 6) {
        await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
        continue;
      }
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {}
      return { status: res.status, body: parsed as T };
    }
  }

  async ok<T = any>(method: string, path: string, body?: unknown, accept: number[] = [200, 201]): Promise<{ status: number; body: T }> {
    const res = await this.call<T>(method, path, body);
    if (!accept.includes(res.status)) throw new Error(`${method} ${path} answered ${res.status}: ${describeProblem(res.body)}`);
    return res;
  }
}

function describeProblem(body: any): string {
  if (!body || typeof body !== 'object') return String(body).slice(0, 300);
  const errors = Array.isArray(body.errors) ? ` ${body.errors.slice(0, 5).map((e: any) => `${e.path}: ${e.message}`).join('; ')}` : '';
  return `${body.title ?? ''} ${body.detail ?? ''}${errors}`.trim();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

class Progress {
  private last = '';
  // A terminal gets a live bar; a log file gets one line per finished stage.
  private readonly live = process.stderr.isTTY === true;
  constructor(private readonly enabled: boolean) {}
  update(stage: string, done: number, total: number): void {
    if (!this.enabled) return;
    if (!this.live) {
      if (done >= total) process.stderr.write(`${stage.padEnd(12)} done: ${done}/${total}\n`);
      return;
    }
    const width = 30;
    const ratio = total ? Math.min(1, done / total) : 1;
    const filled = Math.round(ratio * width);
    const line = `\r${stage.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}% ${done}/${total}`;
    if (line === this.last) return;
    this.last = line;
    process.stderr.write(line);
    if (done >= total) process.stderr.write('\n');
  }
  note(text: string): void {
    if (this.enabled) process.stderr.write(`${text}\n`);
  }
}

async function listAll(http: Http, path: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 200; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const res: { status: number; body: any } = await http.call('GET', `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${describeProblem(res.body)}`);
    const body: any = res.body;
    items.push(...(Array.isArray(body) ? body : (body?.items ?? [])));
    cursor = Array.isArray(body) ? null : (body?.nextCursor ?? null);
    if (!cursor) return items;
  }
  return items;
}

async function ensureUsers(http: Http): Promise<DemoUser[]> {
  const users: DemoUser[] = [];
  let existing: any[] | null = null;
  let leadId: string | undefined;
  for (const u of DEMO_USERS) {
    const body = { email: u.email, name: u.name, password: u.password, role: u.role, ...(u.role === 'account_manager' && leadId ? { teamLeadId: leadId } : {}) };
    const res = await http.call('POST', '/api/v1/users', body);
    let id: string | undefined;
    if (res.status === 201 || res.status === 200) id = res.body.id;
    else if (res.status === 409) {
      existing ??= await listAll(http, '/api/v1/users');
      id = existing.find((x) => String(x.email).toLowerCase() === u.email)?.id;
      if (!id) throw new Error(`user ${u.email} exists but GET /users does not list it`);
    } else throw new Error(`POST /users (${u.email}) answered ${res.status}: ${describeProblem(res.body)}`);
    if (u.role === 'team_lead') leadId = id;
    users.push({ ...u, id: id! });
  }
  return users;
}

/**
 * Fills the Closeness at `baseUrl` with the demo data set. Safe to run again: users and customers
 * that exist are reused, touchpoints and webhook deliveries carry fixed ids.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const n = opts.customers ?? 200;
  const perCustomer = opts.touchpointsPerCustomer ?? 90;
  const seed = opts.seed ?? 'v2';
  const now = opts.now ?? new Date();
  const progress = new Progress(opts.progress ?? process.stderr.isTTY === true);
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const http = new Http(baseUrl);

  const login = await http.call('POST', '/api/v1/auth/login', { email: opts.adminEmail, password: opts.adminPassword });
  if (login.status !== 200 || !login.body?.token) throw new Error(`admin login as ${opts.adminEmail} failed (${login.status}): ${describeProblem(login.body)}`);
  http.token = login.body.token;

  // Everything is drawn before anything is sent: the ground truth does not depend on the server.
  const users = await ensureUsers(http);
  const ams = users.filter((u) => u.role === 'account_manager');
  const customers = Array.from({ length: n }, (_, i) => demoCustomer(i, seed));
  const drawn = customers.map((c) => generateTouchpoints(c, perCustomer, ams[c.amIndex % ams.length].name, now, seed));
  const total = drawn.reduce((s, d) => s + d.touchpoints.length, 0);
  progress.note(`Closeness demo → ${baseUrl}: ${n} customers (${storyLine(customers)}), ${total} touchpoints over 12 months`);

  // Customers: created through the API; an existing externalId (409) is looked up once.
  const ids = new Map<string, string>();
  const createdNow = new Set<string>();
  let existing = 0;
  let done = 0;
  await pool(customers, 8, async (c) => {
    const am = ams[c.amIndex % ams.length];
    const res = await http.call('POST', '/api/v1/customers', {
      externalId: c.externalId, name: c.name, segment: c.segment, accountManagerId: am.id, renewalDate: renewalDateOf(c, now), annualValue: c.annualValue,
    });
    if (res.status === 201 || res.status === 200) {
      ids.set(c.externalId, res.body.id);
      createdNow.add(c.externalId);
    } else if (res.status === 409) existing++;
    else throw new Error(`POST /customers (${c.externalId}) answered ${res.status}: ${describeProblem(res.body)}`);
    progress.update('customers', ++done, n);
  });
  if (existing > 0) {
    const listed = await listAll(http, '/api/v1/customers?sort=name').catch(() => []);
    for (const row of listed) if (row.externalId && !ids.has(row.externalId)) ids.set(row.externalId, row.id);
  }

  // Touchpoints: every customer's year; each customer's latest inbound message goes by webhook.
  const all: DemoTouchpoint[] = [];
  const viaWebhook: DemoTouchpoint[] = [];
  const perChannel: Record<string, number> = {};
  customers.forEach((c, i) => {
    const tps = drawn[i].touchpoints;
    const customerId = ids.get(c.externalId);
    for (const tp of tps) {
      if (customerId) tp.customerId = customerId;
      else tp.customerName = c.name;
      perChannel[tp.channel] = (perChannel[tp.channel] ?? 0) + 1;
    }
    const lastInbound = opts.webhooks === false ? -1 : tps.findLastIndex((t) => t.direction === 'inbound' && t.channel !== 'survey');
    tps.forEach((tp, k) => (k === lastInbound ? viaWebhook : all).push(tp));
  });
  const touchpoints = { sent: 0, accepted: 0, duplicates: 0, perChannel };
  progress.update('touchpoints', 0, all.length);
  const batches: DemoTouchpoint[][] = [];
  for (let k = 0; k < all.length; k += BATCH) batches.push(all.slice(k, k + BATCH));
  await pool(batches, 2, async (batch) => {
    // customerId and customerExternalId are alternatives in the contract: send one.
    const body = { touchpoints: batch.map(({ customerExternalId, ...tp }) => (tp.customerId ? tp : { ...tp, customerExternalId })) };
    const res = await http.ok('POST', '/api/v1/touchpoints/batch', body);
    touchpoints.sent += batch.length;
    touchpoints.accepted += res.body.accepted ?? 0;
    touchpoints.duplicates += res.body.duplicates ?? 0;
    progress.update('touchpoints', touchpoints.sent, all.length);
  });

  // Signed webhooks from a "helpdesk" source (Standard Webhooks).
  const webhooks: DemoResult['webhooks'] = { sent: 0, stored: 0, duplicates: 0 };
  if (viaWebhook.length) {
    const secret = await webhookSecret(http);
    if (!secret) {
      webhooks.skipped = 'the sources API is not available; those touchpoints went through the batch endpoint';
      const res = await http.ok('POST', '/api/v1/touchpoints/batch', { touchpoints: viaWebhook.map(({ customerExternalId, ...tp }) => (tp.customerId ? tp : { ...tp, customerExternalId })) });
      touchpoints.sent += viaWebhook.length;
      touchpoints.accepted += res.body.accepted ?? 0;
      touchpoints.duplicates += res.body.duplicates ?? 0;
    } else {
      const wh = new Webhook(secret.secret);
      await pool(viaWebhook, 8, async (tp) => {
        const { customerExternalId, ...rest } = tp;
        const payload = JSON.stringify(rest.customerId ? rest : { ...rest, customerExternalId });
        const msgId = `msg_demo_${tp.externalId}`;
        const ts = new Date();
        const res = await http.call('POST', `/api/v1/webhooks/${secret.id}`, undefined, {
          'webhook-id': msgId,
          'webhook-timestamp': String(Math.floor(ts.getTime() / 1000)),
          'webhook-signature': wh.sign(msgId, ts, payload),
        }, payload);
        if (res.status === 202) webhooks.stored++;
        else if (res.status === 200) webhooks.duplicates++;
        else throw new Error(`webhook ${msgId} answered ${res.status}: ${describeProblem(res.body)}`);
        progress.update('webhooks', ++webhooks.sent, viaWebhook.length);
      });
    }
  }

  // Outcomes only for customers this run created: a re-run must not record a renewal twice.
  let outcomes = 0;
  let customersDone = 0;
  const withOutcome = customers.filter((c) => c.outcomes.length && createdNow.has(c.externalId));
  await pool(withOutcome, 8, async (c) => {
    for (const o of c.outcomes) {
      await http.ok('POST', `/api/v1/customers/${ids.get(c.externalId)}/outcomes`, { type: o.type, occurredAt: outcomeAt(o.daysAgo, now) });
      outcomes++;
    }
    progress.update('outcomes', ++customersDone, withOutcome.length);
  });

  let settled: Settled | undefined;
  let health = new Map<string, { score: number; band: string; churnRisk: number }>();
  if (opts.settle) {
    const t0 = performance.now();
    const checks = await settle(http, progress, opts.settleTimeoutMs ?? 600_000);
    health = await readHealth(http);
    const rows = customers.filter((c) => health.has(c.externalId)).map((c) => ({ story: c.story, band: health.get(c.externalId)!.band as 'green' | 'yellow' | 'red' }));
    const zeroWithoutChurn = customers.filter((c) => health.get(c.externalId)?.score === 0 && !c.outcomes.some((o) => o.type === 'churned')).map((c) => `${c.externalId} (${c.story})`);
    settled = { checks, confusion: confusionOf(rows), zeroWithoutChurn, settleMs: Math.round(performance.now() - t0) };
  }

  let groundTruthPath: string | undefined;
  if (opts.groundTruthPath) {
    groundTruthPath = resolve(opts.groundTruthPath);
    const truth = {
      generatedAt: new Date().toISOString(),
      anchorDay: new Date(Math.floor(now.getTime() / 86_400_000) * 86_400_000).toISOString().slice(0, 10),
      seed,
      baseUrl,
      storyShares: STORY_SHARES,
      customers: customers.map((c, i): GroundTruthCustomer => {
        const tps = drawn[i].touchpoints;
        const channels: Record<string, number> = {};
        for (const tp of tps) channels[tp.channel] = (channels[tp.channel] ?? 0) + 1;
        return {
          externalId: c.externalId,
          id: ids.get(c.externalId) ?? null,
          name: c.name,
          language: c.language,
          segment: c.segment,
          annualValue: c.annualValue,
          accountManager: ams[c.amIndex % ams.length].email,
          story: c.story,
          shape: c.shape,
          renewalDate: renewalDateOf(c, now),
          outcomes: c.outcomes.map((o) => ({ type: o.type, occurredAt: outcomeAt(o.daysAgo, now), why: o.why })),
          touchpoints: { total: tps.length, perChannel: channels, styles: drawn[i].styles, first: tps[0]?.occurredAt ?? null, last: tps.at(-1)?.occurredAt ?? null },
          ...(health.has(c.externalId) ? { health: health.get(c.externalId) } : {}),
        };
      }),
      ...(settled ? { confusion: settled.confusion } : {}),
    };
    writeFileSync(groundTruthPath, `${JSON.stringify(truth, null, 2)}\n`);
  }

  return {
    users,
    customers: { created: createdNow.size, existing, ids },
    touchpoints,
    webhooks,
    outcomes,
    groundTruthPath,
    settled,
    elapsedMs: Math.round(performance.now() - started),
  };
}

const storyLine = (customers: DemoCustomer[]) =>
  STORIES.map((s) => `${customers.filter((c) => c.story === s).length} ${s}`).join(', ');

/** Polls until every projection has applied everything committed, and the follow-up queue is idle. */
async function caughtUp(http: Http, progress: Progress, deadline: number, stage: string): Promise<void> {
  let first: number | null = null;
  for (;;) {
    const res = await http.call('GET', '/api/v1/ops/projections');
    if (res.status !== 200) throw new Error(`GET /ops/projections answered ${res.status}: ${describeProblem(res.body)}`);
    const lag = (res.body as any[]).reduce((s, p) => s + Math.max(0, Number(p.lagEvents) || 0), 0);
    const failing = (res.body as any[]).filter((p) => p.status === 'failing').map((p) => `${p.name}: ${p.lastError}`);
    const queued = await followUpJobs(http);
    const pending = lag + queued;
    first ??= Math.max(pending, 1);
    progress.update(stage, first - Math.min(first, pending), first);
    if (pending === 0) return;
    if (performance.now() > deadline) throw new Error(`the worker has not caught up (${lag} events behind, ${queued} follow-up jobs waiting${failing.length ? `; failing: ${failing.join('; ')}` : ''}); is it running?`);
    await sleep(1000);
  }
}

/** Follow-up jobs waiting or running, from the product's own metrics. */
async function followUpJobs(http: Http): Promise<number> {
  const res = await http.call<string>('GET', '/metrics', undefined, { accept: 'text/plain' });
  if (res.status !== 200 || typeof res.body !== 'string') return 0;
  let n = 0;
  for (const line of res.body.split('\n')) {
    const m = /^closeness_queue_jobs\{([^}]*)\}\s+(\d+)/.exec(line);
    if (m && /queue="follow-ups"/.test(m[1]) && /state="(waiting|active|prioritized)"/.test(m[1])) n += Number(m[2]);
  }
  return n;
}

/**
 * The settled state: projections caught up, then the scheduled checks run through the ops API
 * (the same jobs their schedules add), then caught up again with what the checks recorded.
 */
async function settle(http: Http, progress: Progress, timeoutMs: number): Promise<Settled['checks']> {
  const deadline = performance.now() + timeoutMs;
  await caughtUp(http, progress, deadline, 'projecting');
  const run = await http.call('POST', '/api/v1/ops/scheduled-checks/run');
  if (run.status !== 202) throw new Error(`POST /ops/scheduled-checks/run answered ${run.status}: ${describeProblem(run.body)}`);
  const checks: Settled['checks'] = run.body.runs.map((r: any) => ({ check: r.check, id: r.id, state: r.state }));
  for (let k = 0; ; k++) {
    for (const c of checks) {
      if (c.state === 'completed' || c.state === 'failed') continue;
      const res = await http.call('GET', `/api/v1/ops/scheduled-checks/runs/${encodeURIComponent(c.id)}`);
      if (res.status === 200) c.state = res.body.state;
    }
    progress.update('checks', checks.filter((c) => c.state === 'completed' || c.state === 'failed').length, checks.length);
    if (checks.every((c) => c.state === 'completed' || c.state === 'failed')) break;
    if (performance.now() > deadline) throw new Error(`the scheduled checks did not finish (${checks.map((c) => `${c.check}: ${c.state}`).join(', ')})`);
    await sleep(k < 10 ? 300 : 1000);
  }
  const failed = checks.filter((c) => c.state === 'failed');
  if (failed.length) throw new Error(`scheduled check failed: ${failed.map((c) => c.check).join(', ')}`);
  await caughtUp(http, progress, deadline, 'settling');
  return checks;
}

async function readHealth(http: Http): Promise<Map<string, { score: number; band: string; churnRisk: number }>> {
  const out = new Map<string, { score: number; band: string; churnRisk: number }>();
  for (const row of await listAll(http, '/api/v1/customers?sort=name')) {
    if (row.health?.band) out.set(row.externalId, { score: row.health.score, band: row.health.band, churnRisk: row.churnRisk?.probability ?? null });
  }
  return out;
}

const SOURCE_NAME = 'Demo helpdesk';

/** The demo's webhook source and a secret valid now: created once, its secret rotated on re-runs. */
async function webhookSecret(http: Http): Promise<{ id: string; secret: string } | null> {
  const list = await http.call('GET', '/api/v1/sources');
  if (list.status === 200) {
    const rows = Array.isArray(list.body) ? list.body : (list.body?.items ?? []);
    const found = rows.find((s: any) => s.name === SOURCE_NAME && s.format === 'touchpoint');
    if (found) {
      const rotated = await http.call('POST', `/api/v1/sources/${found.id}/rotate-secret`);
      if ((rotated.status === 200 || rotated.status === 201) && rotated.body?.secret) return { id: found.id, secret: rotated.body.secret };
    }
  }
  const created = await http.call('POST', '/api/v1/sources', { name: SOURCE_NAME, format: 'touchpoint' });
  if ((created.status === 201 || created.status === 200) && created.body?.secret) return { id: created.body.id, secret: created.body.secret };
  if (created.status === 404 || created.status === 405) return null;
  throw new Error(`POST /sources answered ${created.status}: ${describeProblem(created.body)}`);
}

function printSummary(result: DemoResult, baseUrl: string, adminEmail: string): void {
  const channels = Object.entries(result.touchpoints.perChannel).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k.replace('_', ' ')} ${v}`).join(', ');
  const s = result.settled;
  const lines = [
    '',
    `Closeness demo ready in ${(result.elapsedMs / 1000).toFixed(1)} s${s ? ` (of which ${(s.settleMs / 1000).toFixed(1)} s waiting for the worker and the scheduled checks)` : ''}`,
    `  customers:   ${result.customers.created} created, ${result.customers.existing} already there`,
    `  touchpoints: ${result.touchpoints.accepted} stored, ${result.touchpoints.duplicates} already there`,
    `               drawn per channel: ${channels}`,
    `  webhooks:    ${result.webhooks.skipped ? `skipped (${result.webhooks.skipped})` : `${result.webhooks.stored} stored, ${result.webhooks.duplicates} already there`}`,
    `  outcomes:    ${result.outcomes} recorded`,
    ...(result.groundTruthPath ? [`  ground truth: ${result.groundTruthPath} (each customer's story, segment and outcomes; docs/demo.md)`] : []),
    ...(s
      ? [
          `  checks:      ${s.checks.map((c) => `${c.check} ${c.state}`).join(', ')}; projections caught up`,
          '',
          'Story (generated) against health band (what Closeness now shows):',
          ...formatConfusion(s.confusion).split('\n').map((l) => `  ${l}`),
          `  customers at score 0 without a churn outcome: ${s.zeroWithoutChurn.length ? s.zeroWithoutChurn.join(', ') : 'none'}`,
        ]
      : []),
    '',
    `Open ${baseUrl}/ and sign in as:`,
    `  admin            ${adminEmail.padEnd(28)} (password from ADMIN_PASSWORD)`,
    ...result.users.map((u) => `  ${u.role.replace('_', ' ').padEnd(16)} ${u.email.padEnd(28)} ${u.password}   (${u.name})`),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

/** `--name value` or `--name=value` from the command line. */
function flag(name: string): string | undefined {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return undefined;
}

async function main(): Promise<void> {
  const baseUrl = process.env.DEMO_URL ?? 'http://127.0.0.1:3000';
  const adminEmail = process.env.ADMIN_EMAIL;
  const adminPassword = process.env.ADMIN_PASSWORD;
  if (!adminEmail || !adminPassword) {
    process.stderr.write('closeness demo: set ADMIN_EMAIL and ADMIN_PASSWORD (the admin of the running Closeness)\n');
    process.exit(78);
  }
  const result = await runDemo({
    baseUrl,
    adminEmail,
    adminPassword,
    customers: process.env.DEMO_CUSTOMERS ? Number(process.env.DEMO_CUSTOMERS) : 200,
    touchpointsPerCustomer: process.env.DEMO_TOUCHPOINTS_PER_CUSTOMER ? Number(process.env.DEMO_TOUCHPOINTS_PER_CUSTOMER) : 90,
    seed: flag('seed') ?? process.env.DEMO_SEED ?? 'v2',
    groundTruthPath: flag('ground-truth') ?? process.env.DEMO_GROUND_TRUTH ?? 'demo-ground-truth.json',
    settle: process.env.DEMO_SETTLE !== 'false',
    progress: true,
  });
  printSummary(result, baseUrl.replace(/\/+$/, ''), adminEmail);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`\ncloseness demo failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
