import { jest } from '@jest/globals';
import { createApiApp } from '../apps/api/src/bootstrap.js';
import { sha256Hex } from '../apps/api/src/auth/index.js';
import { startStack, type Stack } from './support/stack.js';
import { freshDatabase, testConfig } from './support/env.js';

jest.setTimeout(120_000);

const ADMIN = { email: 'admin@closeness.test', password: 'admin-password-1' };

describe('auth: login, sessions, guard, users', () => {
  let stack: Stack;
  let adminToken: string;

  const call = async (method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${stack.baseUrl}/api/v1${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  // Each test logs in from its own (trusted-proxy) address so the per-IP counter is the test's own.
  let ipSeq = 0;
  const freshIp = () => `10.9.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;
  const login = (email: string, password: string, ip = freshIp()) =>
    call('POST', '/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });
  const expectProblem = (res: { status: number; headers: Headers; body: any }, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
  };

  beforeAll(async () => {
    stack = await startStack({ worker: false, env: { LOGIN_ATTEMPTS_PER_15_MIN: '4' } });
    const res = await login(ADMIN.email, ADMIN.password);
    expect(res.status).toBe(200);
    adminToken = res.body.token;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('logs in with the right password: token, user and a hardened session cookie', async () => {
    const res = await login(ADMIN.email.toUpperCase(), ADMIN.password);
    expect(res.status).toBe(200);
    expect(res.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body.user).toEqual({ id: expect.any(String), email: ADMIN.email, name: expect.any(String), role: 'admin' });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^closeness_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Expires=/);
    expect(cookie).not.toMatch(/Secure/i); // COOKIE_SECURE is off in tests
    // Only the hash of the token is stored.
    const rows = await stack.db.ds.query(`SELECT token_hash FROM sessions WHERE token_hash = $1`, [sha256Hex(res.body.token)]);
    expect(rows).toHaveLength(1);
    const raw = await stack.db.ds.query(`SELECT 1 FROM sessions WHERE token_hash = $1`, [res.body.token]);
    expect(raw).toHaveLength(0);
  });

  it('answers wrong password and unknown e-mail with the same 401 problem', async () => {
    const wrong = await login(ADMIN.email, 'not-the-password');
    const unknown = await login('nobody@closeness.test', 'whatever-password');
    expectProblem(wrong, 401);
    expectProblem(unknown, 401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('accepts the cookie instead of the bearer token, and GET /auth/me names the user', async () => {
    const res = await login(ADMIN.email, ADMIN.password);
    const me = await fetch(`${stack.baseUrl}/api/v1/auth/me`, { headers: { cookie: `closeness_session=${res.body.token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: ADMIN.email, role: 'admin', teamLeadId: null });
  });

  it('refuses missing, tampered, expired and revoked tokens with 401 problem+json', async () => {
    expectProblem(await call('GET', '/auth/me'), 401);
    const { body } = await login(ADMIN.email, ADMIN.password);
    const token: string = body.token;
    const tampered = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    expectProblem(await call('GET', '/auth/me', { token: tampered }), 401);
    expectProblem(await call('GET', '/auth/me', { token: token + 'x' }), 401);
    expectProblem(await call('GET', '/auth/me', { headers: { authorization: 'Basic Zm9vOmJhcg==' } }), 401);
    expect((await call('GET', '/auth/me', { token })).status).toBe(200);

    await stack.db.ds.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [sha256Hex(token)]);
    expectProblem(await call('GET', '/auth/me', { token }), 401);
  });

  it('logout revokes the session and clears the cookie', async () => {
    const { body } = await login(ADMIN.email, ADMIN.password);
    const out = await fetch(`${stack.baseUrl}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${body.token}` } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/closeness_session=;.*Expires=Thu, 01 Jan 1970/);
    expectProblem(await call('GET', '/auth/me', { token: body.token }), 401);
    const rows = await stack.db.ds.query(`SELECT revoked_at FROM sessions WHERE token_hash = $1`, [sha256Hex(body.token)]);
    expect(rows[0].revoked_at).not.toBeNull();
    // The rest of the admin's sessions still work.
    expect((await call('GET', '/auth/me', { token: adminToken })).status).toBe(200);
  });

  it('throttles failed logins per e-mail (across IPs) with 429 and Retry-After', async () => {
    await call('POST', '/users', { token: adminToken, body: { email: 'victim@closeness.test', name: 'Victim', password: 'victim-password', role: 'ops' } });
    for (let i = 0; i < 4; i++) expectProblem(await login('victim@closeness.test', `guess-${i}`), 401);
    const blocked = await login('victim@closeness.test', 'victim-password');
    expectProblem(blocked, 429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(900);
  });

  it('throttles failed logins per IP (across e-mails)', async () => {
    const ip = freshIp();
    for (let i = 0; i < 4; i++) expectProblem(await login(`spray-${i}@closeness.test`, 'password-guess', ip), 401);
    expectProblem(await login(ADMIN.email, ADMIN.password, ip), 429);
    // Another address is not affected.
    expect((await login(ADMIN.email, ADMIN.password)).status).toBe(200);
  });

  it('records login, failed login and logout as events on the user stream with the actor', async () => {
    const me = await call('GET', '/auth/me', { token: adminToken });
    const rows = await stack.db.ds.query(`SELECT type, data, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`user-${me.body.id}`]);
    const types = rows.map((r: { type: string }) => r.type);
    expect(types[0]).toBe('UserCreated');
    expect(types).toEqual(expect.arrayContaining(['UserLoggedIn', 'UserLoginFailed', 'UserLoggedOut']));
    for (const r of rows) expect(r.metadata.actorId).toBeDefined();
    expect(JSON.stringify(rows)).not.toContain('not-the-password');
    expect(JSON.stringify(rows)).not.toContain(ADMIN.password);
  });
});

describe('first admin', () => {
  it('is created exactly once, even by api processes starting together', async () => {
    const db = await freshDatabase();
    const config = testConfig(db.url);
    const apps = await Promise.all([createApiApp(config), createApiApp(config), createApiApp(config)]);
    try {
      await Promise.all(apps.map((a) => a.init()));
      const again = await createApiApp(config);
      await again.init();
      await again.close();
      const users = await db.ds.query(`SELECT email, role, password_hash FROM users`);
      expect(users).toHaveLength(1);
      expect(users[0]).toMatchObject({ email: 'admin@closeness.test', role: 'admin' });
      expect(users[0].password_hash).toMatch(/^scrypt\$/);
      const created = await db.ds.query(`SELECT metadata FROM events WHERE type = 'UserCreated'`);
      expect(created).toHaveLength(1);
      expect(created[0].metadata.actorId).toBe('system');
    } finally {
      await Promise.all(apps.map((a) => a.close()));
      await db.drop();
    }
  });
});
