import { startStack, type Stack } from './support/stack.js';

// How the API process serves the web UI: the page, its modules, only the allow-listed vendor files.
describe('web UI serving', () => {
  let stack: Stack;
  const get = (path: string) => fetch(`${stack.baseUrl}${path}`, { redirect: 'manual' });

  beforeAll(async () => {
    stack = await startStack({ worker: false });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  it('given the root or /app, when fetched without a session, then the page is served with a strict CSP', async () => {
    for (const path of ['/', '/app', '/app/']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      // The only inline script (the import map) is allowed by its hash, nothing else inline.
      expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
      expect(csp).not.toContain('unsafe-inline');
      expect(await res.text()).toContain('<script type="importmap">');
    }
  }, 30_000);

  it('given the app modules and the vendor files it imports, when fetched, then each comes with its JavaScript type', async () => {
    for (const path of ['/app/app.js', '/app/pages/customer.js', '/app/vendor/preact.mjs', '/app/vendor/preact-hooks.mjs', '/app/vendor/htm-preact.mjs', '/app/vendor/htm.mjs', '/app/vendor/chart.umd.min.js']) {
      const res = await get(path);
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    }
    expect((await get('/app/styles.css')).headers.get('content-type')).toMatch(/^text\/css/);
  }, 30_000);

  it('given a path outside the allow-list, when fetched, then 404 problem+json and no file content', async () => {
    for (const path of ['/app/vendor/../../package.json', '/app/%2e%2e/%2e%2e/package.json', '/app/node_modules/preact/package.json', '/app/../apps/api/src/main.ts', '/app/nope.js']) {
      const res = await get(path);
      expect([path, res.status]).toEqual([path, 404]);
      // Paths that stay under /app are answered by the web controller as problem+json.
      if (new URL(res.url).pathname.startsWith('/app/')) expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      const body = await res.text();
      expect(body).not.toContain('"dependencies"');
    }
  }, 30_000);

  it('given the API prefix, when an API route is called, then the web routes do not shadow it', async () => {
    const res = await get('/api/v1/customers');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  }, 30_000);
});
