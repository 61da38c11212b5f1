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
    // Signals on demand.
    const disclosure = page.locator('ol.timeline details.signals').first();
    await disclosure.locator('summary').click();
    expect(await disclosure.locator('li').count()).toBeGreaterThan(0);
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
