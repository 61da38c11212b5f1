import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_USERS, runDemo, type DemoResult } from '../scripts/demo.js';
import { eventually, startStack, type Stack } from './support/stack.js';
import { findOnPath, needsBinary } from './support/binaries.js';

// The web UI end to end: real headless Chromium against the real API + worker on real Postgres
// and Redis, filled by a reduced demo. Screenshots of each step go to test-artifacts/web/.
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'web');
const ADMIN = { email: 'admin@closeness.test', password: 'admin-password-1' };
const KARI = DEMO_USERS.find((u) => u.email === 'kari.nordmann@example.com')!;
const LEAD = DEMO_USERS.find((u) => u.role === 'team_lead')!;
const CUSTOMERS = 12;
const STEP_TIMEOUT = 150_000;

interface ConsoleProblem {
  step: string;
  text: string;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? findOnPath('chromium') ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM) || needsBinary('chromium', 'the web UI is tested in headless Chromium (or set CHROMIUM_PATH)');

(HAS_CHROMIUM ? describe : describe.skip)('web UI in headless Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let demo: DemoResult;
  let step = 'setup';
  // Requests the test provokes on purpose (the wrong password) may log their 4xx; nothing else may.
  let expectedFailures: RegExp[] = [];
  const problems: ConsoleProblem[] = [];

  const api = async (token: string | null, path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${stack.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const login = async (email: string, password: string) => (await api(null, '/auth/login', { method: 'POST', body: JSON.stringify({ email, password }) })).body.token as string;

  const watch = (page: Page) => {
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = `${msg.text()} ${msg.location()?.url ?? ''}`;
      if (expectedFailures.some((re) => re.test(text))) return;
      problems.push({ step, text });
    });
    page.on('pageerror', (err) => problems.push({ step, text: `pageerror: ${err.message}` }));
  };
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const newPage = async (viewport = { width: 1366, height: 900 }): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    watch(page);
    return { context, page };
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack();
    demo = await runDemo({ baseUrl: stack.baseUrl, adminEmail: ADMIN.email, adminPassword: ADMIN.password, customers: CUSTOMERS, touchpointsPerCustomer: 40, progress: false });
    // The worker projects every customer and raises follow-ups; wait until Kari's portfolio is complete.
    const kari = await login(KARI.email, KARI.password);
    await eventually(async () => {
      const list = await api(kari, '/customers?limit=200');
      return list.status === 200 && list.body.items.length === CUSTOMERS / 4 && list.body.items.every((c: any) => c.health?.band);
    }, 90_000, 250);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await stack?.close();
  }, 60_000);

  it('given a wrong password, when signing in, then the page says so', async () => {
    step = 'wrong password';
    expectedFailures = [/status of 401/];
    const { context, page } = await newPage();
    await page.goto(`${stack.baseUrl}/`);
    await page.getByLabel('E-mail').fill(KARI.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong e-mail or password' }).waitFor();
    await shot(page, '01-login-wrong-password');
    await context.close();
    expectedFailures = [];
  }, STEP_TIMEOUT);

  it('given an account manager, when she signs in with the keyboard, then she sees only her own customers, riskiest first', async () => {
    step = 'portfolio';
    const { context, page } = await newPage();
    await page.goto(`${stack.baseUrl}/`);
    // Keyboard only: the e-mail field has focus on load; Tab to the password; Enter submits.
    await page.getByLabel('E-mail').waitFor();
    await page.keyboard.type(KARI.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(KARI.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'My portfolio' }).waitFor();
    const table = page.locator('table.portfolio');
    await table.waitFor();
    const names = await table.locator('tbody th a').allTextContents();

    const kari = await login(KARI.email, KARI.password);
    const own = (await api(kari, '/customers?sort=risk&limit=200')).body.items as any[];
    expect(names).toEqual(own.map((c) => c.name));
    const adminToken = await login(ADMIN.email, ADMIN.password);
    const all = (await api(adminToken, '/customers?limit=200')).body.items as any[];
    const kariId = demo.users.find((u) => u.email === KARI.email)!.id;
    const others = all.filter((c) => c.accountManagerId !== kariId).map((c) => c.name);
    expect(others.length).toBeGreaterThan(0);
    for (const name of others) expect(names).not.toContain(name);
    // Churn risk as a percentage; for a customer who has left, "Churned" and the day, after every live one.
    const risks = await table.locator('tbody td[data-label="Churn risk"]').allTextContents();
    own.forEach((c, i) => expect({ name: c.name, risk: risks[i] }).toEqual({ name: c.name, risk: expect.stringMatching(c.churnedAt ? /^Churned \d{1,2} [A-Z][a-z]{2} \d{4}$/ : /^\d+% (low|medium|high)$/) }));
    const firstLeft = own.findIndex((c) => c.churnedAt);
    if (firstLeft >= 0) expect(own.slice(firstLeft).every((c) => c.churnedAt)).toBe(true);
    // Band colour and trend arrow on every row.
    expect(await table.locator('tbody .band').count()).toBe(names.length);
    expect(await table.locator('tbody .trend').count()).toBe(names.length);
    await shot(page, '02-portfolio-account-manager');

    // Annual value and renewal date, formatted, on every row (the demo gives every customer both).
    const values = await table.locator('tbody td[data-label="Annual value"]').allTextContents();
    expect(values).toHaveLength(names.length);
    for (const v of values) expect(v).toMatch(/^\d[\d.,]*(k|m|bn)?$/);
    const renewals = await table.locator('tbody td[data-label="Renewal"]').allTextContents();
    for (const r of renewals) expect(r).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4} (today|in \d+ (days?|months)|passed \d+ (days?|months) ago)$/);

    // Search by name narrows the list (the server searches, a moment after typing stops).
    const rows = () => table.locator('tbody th a').allTextContents();
    await page.getByLabel('Search by name').fill(names[names.length - 1].toUpperCase());
    await eventually(async () => JSON.stringify(await rows()) === JSON.stringify([names[names.length - 1]]), 20_000);
    await page.getByLabel('Search by name').fill('');
    await eventually(async () => (await rows()).length === names.length, 20_000);

    // Phone width: the same page stays readable (rows become cards).
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, '02b-portfolio-phone');
    await page.setViewportSize({ width: 1366, height: 900 });
    await context.close();
  }, STEP_TIMEOUT);

  it('given the portfolio, when she opens the riskiest customer, then she sees the health curve, drivers and the timeline with relational badges', async () => {
    step = 'customer page';
    const { context, page } = await newPage();
    await page.goto(`${stack.baseUrl}/`);
    await page.getByLabel('E-mail').fill(KARI.email);
    await page.getByLabel('Password').fill(KARI.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const first = page.locator('table.portfolio tbody th a').first();
    const name = await first.textContent();
    await first.click();
    await page.getByRole('heading', { level: 1, name: name! }).waitFor();
    // The curve: a Chart.js canvas, drawn (non-zero size), with its accessible summary.
    const canvas = page.locator('.chart-box canvas').first();
    await canvas.waitFor();
    expect(await canvas.getAttribute('aria-label')).toMatch(/Health of .* over the last 12 months/);
    const box = await canvas.boundingBox();
    expect(box!.width).toBeGreaterThan(100);
    // Timeline newest first with channel, handler and a relational class badge on touchpoints.
    const items = page.locator('ol.timeline > li.tl-touchpoint');
    await items.first().waitFor();
    expect(await items.count()).toBeGreaterThan(5);
    const badges = await page.locator('ol.timeline .rel-badge').allTextContents();
    expect(badges.some((b) => /Relational|Neutral|Transactional/.test(b))).toBe(true);
    const times = await page.locator('ol.timeline > li time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')!));
    expect([...times].sort().reverse()).toEqual(times);
    // Signals on demand: what moved the score with the arithmetic from 50, never a "±0" among
    // them (facts the model weighs at nothing are listed apart, as noticed).
    const disclosure = page.locator('ol.timeline details.signals:has(li)').first();
    await disclosure.locator('summary').click();
    expect(await disclosure.locator('li').count()).toBeGreaterThan(0);
    expect(await disclosure.locator('.sig-sum').textContent()).toMatch(/^50 to start, (?:[+−]\d+|±0) from these signals: \d+\.$/);
    const effects = await page.locator('ol.timeline details.signals li .effect').allTextContents();
    expect(effects.length).toBeGreaterThan(0);
    expect(effects.filter((e) => e === '±0')).toEqual([]);
    // A driver links to its events on the timeline.
    const driverButton = page.locator('.drivers button').first();
    if (await driverButton.count()) {
      await driverButton.click();
      await page.getByText(/Showing the \d+ events? behind/).waitFor();
      await page.getByRole('button', { name: 'Show the whole timeline' }).click();
    }
    await shot(page, '03-customer-riskiest');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(ARTIFACTS, '03a-customer-top.png') });

    // As of today: the health as Closeness knew it.
    await page.getByLabel('Show the health as Closeness saw it on').fill(new Date().toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.locator('.asof-result').waitFor();
    await shot(page, '03b-customer-as-of');
    await context.close();
  }, STEP_TIMEOUT);

  it('given a customer page, when she reads why, then she sees what drives the churn risk, notes instead of a clamp driver, and "as of" a day before anything was recorded says so', async () => {
    step = 'churn drivers';
    const kari = await login(KARI.email, KARI.password);
    const own = (await api(kari, '/customers?sort=risk&limit=200')).body.items as any[];
    // The riskiest of her customers whose churn risk has drivers in both directions if there is one, else any with drivers.
    const details = await Promise.all(own.map(async (c) => (await api(kari, `/customers/${c.id}`)).body));
    const withDrivers = details.filter((d) => d.churnRisk.drivers.length > 0);
    expect(withDrivers.length).toBeGreaterThan(0);
    const c = withDrivers.find((d) => d.churnRisk.drivers.some((x: any) => x.effect < 0)) ?? withDrivers[0];
    const { context, page } = await newPage();
    await page.goto(`${stack.baseUrl}/`);
    await page.getByLabel('E-mail').fill(KARI.email);
    await page.getByLabel('Password').fill(KARI.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'My portfolio' }).waitFor();
    await page.goto(`${stack.baseUrl}/#/customers/${c.id}`);
    await page.getByRole('heading', { level: 1, name: c.name }).waitFor();

    // What drives the churn risk: every churn driver of the API, each with the risk there would be without it.
    const churn = page.locator('section.churn-drivers');
    await churn.getByRole('heading', { name: /What drives the churn risk/ }).waitFor();
    const factors = await churn.locator('li .factor').allTextContents();
    expect(factors.sort()).toEqual(c.churnRisk.drivers.map((d: any) => d.factor).sort());
    for (const value of await churn.locator('li .effect').allTextContents()) expect(value).toMatch(/^→ \d+%$/);
    if (c.churnRisk.drivers.some((d: any) => d.effect < 0)) await churn.getByRole('heading', { name: 'Holds it down' }).waitFor();
    // The health drivers are reasons; the clamp is never one of them.
    const healthFactors = await page.locator('section[aria-labelledby="drivers-title"] > ul.drivers .factor').allTextContents();
    expect(healthFactors).toEqual(c.drivers.map((d: any) => d.factor));
    expect(healthFactors.some((f) => /0–100/.test(f))).toBe(false);
    for (const n of c.notes.filter((x: any) => x.kind !== 'minor_factors')) await page.getByText(n.text).waitFor();
    // Annual value and renewal date of GET /customers/:id, formatted ("1,250,000"; "31 Mar 2027 in 4 months").
    const kpi = async (name: string) => (await page.locator('dl.kpis div', { has: page.locator('dt', { hasText: name }) }).locator('dd').textContent())?.trim();
    expect(await kpi('Annual value')).toBe(new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 }).format(c.annualValue));
    expect(await kpi('Renewal')).toMatch(/^\d{1,2} [A-Z][a-z]{2} \d{4} (today|in \d+ (days?|months)|passed \d+ (days?|months) ago)$/);
    await shot(page, '03c-customer-churn-drivers');

    // As of a day before the demo recorded anything (it records a year of history today).
    const day = new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Show the health as Closeness saw it on').fill(day);
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    const said = page.locator('.nothing-recorded');
    await said.waitFor();
    const health = (await api(kari, `/customers/${c.id}/health`)).body;
    const firstDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(health.firstRecordedAt));
    expect(await said.textContent()).toMatch(new RegExp(`had not recorded anything for .* yet: the first record is from ${firstDay}\\. .*The health curve shows how the relationship went before that`));
    expect(await page.locator('.asof-result').textContent()).not.toMatch(/events considered/);
    await said.getByRole('button', { name: 'health curve above' }).click();
    await shot(page, '03d-customer-as-of-before-recording');
    await context.close();
  }, STEP_TIMEOUT);

  it('given open follow-ups, when she completes one, then it leaves the list', async () => {
    step = 'follow-ups';
    // The follow-up worker raises tasks from the demo's patterns (sliding customers, detractors, ...).
    const kari = await login(KARI.email, KARI.password);
    await eventually(async () => {
      const fu = await api(kari, '/follow-ups?status=open');
      return fu.status === 200 && fu.body.items.length > 0;
    }, 90_000, 250);
    const { context, page } = await newPage();
    await page.goto(`${stack.baseUrl}/`);
    await page.getByLabel('E-mail').fill(KARI.email);
    await page.getByLabel('Password').fill(KARI.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'My follow-ups' }).click();
    await page.getByRole('heading', { name: 'My follow-ups' }).waitFor();
    const cards = page.locator('li.follow-up');
    await cards.first().waitFor();
    const taskId = (await cards.first().getAttribute('data-task-id'))!;
    await shot(page, '04-follow-ups-before');
    await cards.first().getByRole('button', { name: 'Complete' }).click();
    await page.getByLabel('What did you do? (optional)').fill('Called them myself and listened.');
    await page.getByRole('button', { name: 'Confirm complete' }).click();
    try {
      await page.getByRole('status').filter({ hasText: 'Follow-up completed.' }).waitFor();
      // That task leaves the list (the worker may raise others meanwhile, so count by id, not by length).
      await page.locator(`li.follow-up[data-task-id="${taskId}"]`).waitFor({ state: 'detached' });
    } finally {
      await shot(page, '05-follow-ups-after-complete');
    }
    // And the server agrees: it is done (the list is a read model, so allow it a moment).
    await eventually(async () => (await api(kari, '/follow-ups?status=done')).body.items.some((t: any) => t.id === taskId), 20_000, 200);
    await context.close();
  }, STEP_TIMEOUT);

  it('given a long list and a task with several reasons, when she pages through her follow-ups, then each card is one reach-out with every reason and the heading tells the real total', async () => {
    step = 'follow-up reasons and paging';
    const adminToken = await login(ADMIN.email, ADMIN.password);
    const kari = await login(KARI.email, KARI.password);
    const kariId = demo.users.find((u) => u.email === KARI.email)!.id;
    // Five more high-value customers for Kari, each with a chatbot contact about a return; one
    // of them three in a row, so that one task gathers several reasons.
    const returnContact = (customerId: string, minutesAgo: number) => ({
      customerId, channel: 'chatbot', direction: 'inbound', initiatedBy: 'customer', handledBy: 'automation', topic: 'return',
      occurredAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      transcript: [{ speaker: 'customer', text: 'Where is my refund for the return?' }, { speaker: 'bot', text: 'Dear customer, please see our return policy. This is an automated message.' }],
    });
    const added: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await api(adminToken, '/customers', { method: 'POST', body: JSON.stringify({ externalId: `web-fu-${Date.now()}-${i}`, name: `Paging Customer ${i + 1}`, annualValue: 500_000, accountManagerId: kariId }) });
      expect(c.status).toBe(201);
      added.push(c.body.id);
    }
    for (const [i, c] of added.entries()) {
      for (const m of i === 0 ? [30, 20, 10] : [15]) expect((await api(adminToken, '/touchpoints', { method: 'POST', body: JSON.stringify(returnContact(c, m)) })).status).toBe(201);
    }
    type OpenList = { items: any[]; total: number; overdue: number };
    const openOf = async (): Promise<OpenList> => {
      const items: any[] = [];
      let cursor: string | null = null;
      let last: any;
      do {
        last = (await api(kari, `/follow-ups?status=open&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).body;
        items.push(...last.items);
        cursor = last.nextCursor;
      } while (cursor);
      return { items, total: last.total as number, overdue: last.overdue as number };
    };
    // Every new customer has its task and the streak has joined the first one; then nothing moves for a second.
    let open: OpenList = await eventually(async () => {
      const o = await openOf();
      const multi = o.items.find((t) => t.customerId === added[0]);
      return added.every((c) => o.items.some((t) => t.customerId === c)) && multi && multi.reasons.length >= 2 ? o : null;
    }, 90_000, 250);
    open = await eventually(async () => {
      await new Promise((r) => setTimeout(r, 1000));
      const again = await openOf();
      const same = JSON.stringify(again) === JSON.stringify(open);
      open = again;
      return same ? again : null;
    }, 60_000, 0);
    const multi = open.items.find((t) => t.customerId === added[0]);
    expect(open.total).toBe(open.items.length);
    expect(open.total).toBeGreaterThanOrEqual(5);

    // A reader far from UTC: the due words must follow her calendar, not the server's.
    const timeZone = 'Pacific/Kiritimati';
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: timeZone });
    const page = await context.newPage();
    watch(page);
    await page.goto(`${stack.baseUrl}/`);
    await page.getByLabel('E-mail').fill(KARI.email);
    await page.getByLabel('Password').fill(KARI.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'My portfolio' }).waitFor();
    // Two to a page, so the list needs "Show more" several times.
    await page.goto(`${stack.baseUrl}/#/follow-ups?limit=2`);
    await page.getByRole('heading', { name: 'My follow-ups' }).waitFor();
    const totals = page.getByTestId('follow-up-totals');
    await totals.waitFor();
    expect(await totals.textContent()).toBe(`${open.total} open · ${open.overdue} overdue`);
    const cards = page.locator('li.follow-up');
    await cards.first().waitFor();
    expect(await cards.count()).toBe(2);
    await page.getByText(`Showing 2 of ${open.total}`).waitFor();
    const more = page.getByRole('button', { name: 'Show more' });
    let clicks = 0;
    while (await more.count()) {
      const before = await cards.count();
      await more.click();
      await eventually(async () => (await cards.count()) > before, 20_000);
      clicks++;
      expect(clicks).toBeLessThan(open.total);
    }
    expect(clicks).toBe(Math.ceil(open.total / 2) - 1);
    const shown = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id')!));
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown.sort()).toEqual(open.items.map((t) => t.id).sort());
    await page.getByText(`Showing ${open.total} of ${open.total}`).waitFor();
    expect(await totals.textContent()).toBe(`${open.total} open · ${open.overdue} overdue`);

    // Each card's due words: by calendar day in her time zone.
    const dayOf = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
    const hhmm = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(ms);
    const now = Date.now();
    for (const t of open.items) {
      const due = Date.parse(t.dueAt);
      const words = await page.locator(`li.follow-up[data-task-id="${t.id}"] .due`).textContent();
      if (due < now) expect(words).toMatch(/^overdue since /);
      else if (dayOf(due) === dayOf(now)) expect(words).toBe(`due today ${hhmm(due)}`);
      else if (dayOf(due) === dayOf(now + 86_400_000)) expect(words).toBe(`due tomorrow ${hhmm(due)}`);
      else expect(words).toBe(`due ${new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: 'numeric' }).format(due)}`);
    }

    // The card with several reasons: one heading, one suggested action, one set of actions, every reason.
    const card = page.locator(`li.follow-up[data-task-id="${multi.id}"]`);
    await card.scrollIntoViewIfNeeded();
    expect(await card.locator('h3').count()).toBe(1);
    expect(await card.locator('h3').textContent()).toBe(`Paging Customer 1: ${multi.reason}`);
    expect(await card.locator('.suggested').textContent()).toBe(`Suggested: ${multi.suggestedAction}`);
    expect(await card.getByRole('button', { name: 'Complete' }).count()).toBe(1);
    expect(await card.locator('.why-title').textContent()).toBe(`Why: ${multi.reasons.length} reasons, one reach-out`);
    const reasons = card.locator('ul.reasons > li.reason');
    expect(await reasons.count()).toBe(multi.reasons.length);
    expect(await reasons.locator('.reason-text').allTextContents()).toEqual(multi.reasons.map((r: any) => r.reason));
    const rules = await reasons.locator('.reason-rule').allTextContents();
    expect(new Set(rules).size).toBe(rules.length);
    for (const [i, r] of multi.reasons.entries()) {
      // Rule labels in words, never the raw rule id.
      expect(rules[i]).not.toContain('_');
      expect(rules[i].length).toBeGreaterThan(5);
      expect(await reasons.nth(i).locator('time').getAttribute('datetime')).toBe(r.at);
      // Reasons the task was raised with say "raised"; those that joined it later, "added".
      const verb = i === 0 || r.at === multi.reasons[0].at ? 'raised' : 'added';
      expect(await reasons.nth(i).locator('.reason-at').textContent()).toMatch(new RegExp(`^${verb} \\d{1,2} [A-Z][a-z]{2} \\d{4}, \\d\\d:\\d\\d$`));
    }
    await card.screenshot({ path: join(ARTIFACTS, '05b-follow-up-several-reasons.png') });
    await shot(page, '05c-follow-ups-all-pages');

    // Completing it: the card goes, the pages already loaded stay, and the total counts one less.
    await card.getByRole('button', { name: 'Complete' }).click();
    await page.getByRole('button', { name: 'Confirm complete' }).click();
    await page.locator(`li.follow-up[data-task-id="${multi.id}"]`).waitFor({ state: 'detached' });
    await eventually(async () => (await totals.textContent()) === `${open.total - 1} open · ${open.overdue} overdue`, 20_000);
    await eventually(async () => (await cards.count()) === open.total - 1, 20_000);

    // Snoozing one: it is not open any more (the totals say so) and it is found under "snoozed".
    const snoozedBefore = (await api(kari, '/follow-ups?status=snoozed&limit=1')).body.total as number;
    const other = open.items.find((t) => t.customerId === added[1]);
    const otherCard = page.locator(`li.follow-up[data-task-id="${other.id}"]`);
    await otherCard.getByRole('button', { name: 'Snooze' }).click();
    await page.getByRole('button', { name: 'Confirm snooze' }).click();
    await otherCard.waitFor({ state: 'detached' });
    await eventually(async () => (await totals.textContent()) === `${open.total - 2} open · ${open.overdue} overdue`, 20_000);
    const snoozedLink = page.getByRole('link', { name: `${snoozedBefore + 1} snoozed`, exact: true });
    // The count is a read model too: a reload a moment later shows it if the page's own re-read came first.
    await eventually(async () => (await snoozedLink.count()) > 0 || (await page.reload(), false), 30_000, 2000);
    await snoozedLink.click();
    await page.getByRole('heading', { name: 'Snoozed follow-ups' }).waitFor();
    await page.getByTestId('follow-up-totals').filter({ hasText: `${snoozedBefore + 1} snoozed` }).waitFor();
    await otherCard.waitFor();
    expect(await otherCard.locator('.snoozed-until').textContent()).toMatch(/^Snoozed until \d{1,2} [A-Z][a-z]{2} \d{4}, 08:00: it opens again then\.$/);
    await shot(page, '05e-follow-ups-snoozed');
    await page.getByRole('link', { name: 'Back to the open ones' }).click();
    await page.getByRole('heading', { name: 'My follow-ups' }).waitFor();
    await context.close();

    // The team lead's view: the count in the team table leads to the same tasks, and the list says how many there really are.
    const leadToken = await login(LEAD.email, LEAD.password);
    const kariOpen = await eventually(async () => {
      const r = await api(leadToken, `/follow-ups?status=open&assigneeId=${kariId}&limit=1`);
      return r.body.total === open.total - 2 && r.body;
    }, 20_000, 200);
    const lead = await newPage();
    await lead.page.goto(`${stack.baseUrl}/`);
    await lead.page.getByLabel('E-mail').fill(LEAD.email);
    await lead.page.getByLabel('Password').fill(LEAD.password);
    await lead.page.getByRole('button', { name: 'Sign in' }).click();
    await lead.page.getByRole('heading', { name: 'My team' }).waitFor();
    const link = lead.page.getByRole('link', { name: `${kariOpen.total} open follow-ups of ${KARI.name}`, exact: true });
    await link.click();
    await lead.page.getByRole('heading', { name: "My team's follow-ups" }).waitFor();
    await eventually(async () => (await lead.page.getByTestId('follow-up-totals').textContent()) === `${kariOpen.total} open · ${kariOpen.overdue} overdue · assigned to ${KARI.name}`, 20_000);
    expect(await lead.page.getByLabel('Account manager').inputValue()).toBe(kariId);
    await shot(lead.page, '05d-follow-ups-team-lead-filtered');
    await lead.context.close();
  }, STEP_TIMEOUT);

  it('given a team lead, when he signs in, then he sees the team view per account manager, channel and topic', async () => {
    step = 'team view';
    const { context, page } = await newPage();
    await page.goto(`${stack.baseUrl}/`);
    await page.getByLabel('E-mail').fill(LEAD.email);
    await page.getByLabel('Password').fill(LEAD.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'My team' }).waitFor();
    await page.locator('.state.loading').waitFor({ state: 'detached' });
    await shot(page, '06-team-view');
    expect(await page.locator('.state.error').count()).toBe(0);
    const rows = await page.locator('table.team-table tbody th').allTextContents();
    for (const am of DEMO_USERS.filter((u) => u.role === 'account_manager')) expect(rows).toContain(am.name);
    // Per channel: the average relational score (bars plus the same numbers as a table).
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    const channels = page.locator('section[aria-labelledby="team-channels"]');
    await channels.locator('summary').click();
    // The demo's stories decide which channels a small demo uses; e-mail and the phone are in every one.
    const channelRows = await channels.locator('tbody th').allTextContents();
    expect(channelRows).toEqual(expect.arrayContaining(['E-mail', 'Phone call']));
    expect(new Set(channelRows).size).toBe(channelRows.length);
    // Another period re-reads the report.
    await page.getByLabel('Period').selectOption('365');
    await page.locator('.state.loading').waitFor({ state: 'detached' });
    expect(await page.locator('table.team-table tbody th').count()).toBeGreaterThan(0);
    await context.close();
  }, STEP_TIMEOUT);

  it('has no console errors in the browser during those steps', () => {
    expect(problems).toEqual([]);
  }, STEP_TIMEOUT);
});
