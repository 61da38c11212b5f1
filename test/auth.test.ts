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
    stack = await startStack({ worker: false, env: { LOGIN_FAILURES_PER_ACCOUNT_15_MIN: '4', LOGIN_FAILURES_PER_ADDRESS_15_MIN: '4' } });
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

  it('throttles failed logins per account (across IPs) past its ceiling with 429 and Retry-After', async () => {
    await call('POST', '/users', { token: adminToken, body: { email: 'victim@closeness.test', name: 'Victim', password: 'victim-password', role: 'ops' } });
    for (let i = 0; i < 4; i++) expectProblem(await login('victim@closeness.test', `guess-${i}`), 401);
    const blocked = await login('victim@closeness.test', 'victim-password');
    expectProblem(blocked, 429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(900);
  });

  it('throttles failed logins per IP (across e-mails) past its ceiling', async () => {
    const ip = freshIp();
    for (let i = 0; i < 4; i++) expectProblem(await login(`spray-${i}@closeness.test`, 'password-guess', ip), 401);
    expectProblem(await login(ADMIN.email, ADMIN.password, ip), 429);
    // Another address is not affected.
    expect((await login(ADMIN.email, ADMIN.password)).status).toBe(200);
  });

  describe('users', () => {
    const user = (over: Record<string, unknown> = {}) => ({ email: `u-${Math.random().toString(36).slice(2)}@closeness.test`, name: 'Some One', password: 'password-123', role: 'ops', ...over });
    const signIn = async (body: { email: string; password: string }) => (await login(body.email, body.password)).body.token as string;

    it('admin creates users: 201 without any password material, audited with the actor', async () => {
      const lead = user({ role: 'team_lead' });
      const created = await call('POST', '/users', { token: adminToken, body: lead });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(String), email: lead.email, name: lead.name, role: 'team_lead', teamLeadId: null, disabled: false, createdAt: expect.any(String) });
      expect(JSON.stringify(created.body)).not.toMatch(/password|scrypt/i);

      const am = await call('POST', '/users', { token: adminToken, body: user({ role: 'account_manager', teamLeadId: created.body.id }) });
      expect(am.status).toBe(201);
      expect(am.body.teamLeadId).toBe(created.body.id);

      const me = await call('GET', '/auth/me', { token: adminToken });
      const events = await stack.db.ds.query(`SELECT type, data, metadata FROM events WHERE stream_id = $1`, [`user-${am.body.id}`]);
      expect(events).toEqual([expect.objectContaining({ type: 'UserCreated', metadata: expect.objectContaining({ actorId: me.body.id }) })]);
      expect(JSON.stringify(events)).not.toContain('password-123');

      // The new user can sign in.
      expect((await login(lead.email, lead.password)).status).toBe(200);
    });

    it('refuses a duplicate e-mail (any case) with 409', async () => {
      const u = user();
      expect((await call('POST', '/users', { token: adminToken, body: u })).status).toBe(201);
      expectProblem(await call('POST', '/users', { token: adminToken, body: { ...u, email: u.email.toUpperCase() } }), 409);
    });

    it('validates strictly: bad fields, unknown fields and a teamLeadId that is not a team lead are 422', async () => {
      const bad = await call('POST', '/users', { token: adminToken, body: { email: 'not-an-email', name: '', password: 'short', role: 'superuser' } });
      expectProblem(bad, 422);
      expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'name', 'password', 'role']);

      const mass = await call('POST', '/users', { token: adminToken, body: { ...user(), id: '00000000-0000-4000-8000-000000000000', passwordHash: 'x', disabledAt: null } });
      expectProblem(mass, 422);
      expect(mass.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['disabledAt', 'id', 'passwordHash']);

      const ops = await call('POST', '/users', { token: adminToken, body: user({ role: 'ops' }) });
      for (const teamLeadId of [ops.body.id, '5b0c1a8e-6f0f-4b8e-9c1e-1d2f3a4b5c6d', 'nope']) {
        const res = await call('POST', '/users', { token: adminToken, body: user({ role: 'account_manager', teamLeadId }) });
        expectProblem(res, 422);
        expect(res.body.errors[0].path).toBe('teamLeadId');
      }
      const count = await stack.db.ds.query(`SELECT count(*)::int AS n FROM users WHERE email = 'not-an-email'`);
      expect(count[0].n).toBe(0);
    });

    it('only admins manage users (403 for other roles), team leads list their team', async () => {
      const leadBody = user({ role: 'team_lead' });
      const lead = await call('POST', '/users', { token: adminToken, body: leadBody });
      const amBody = user({ role: 'account_manager', teamLeadId: lead.body.id });
      const am = await call('POST', '/users', { token: adminToken, body: amBody });
      const otherAm = await call('POST', '/users', { token: adminToken, body: user({ role: 'account_manager' }) });
      const opsBody = user({ role: 'ops' });
      await call('POST', '/users', { token: adminToken, body: opsBody });
      const leadToken = await signIn(leadBody);
      const amToken = await signIn(amBody);
      const opsToken = await signIn(opsBody);

      for (const token of [leadToken, amToken, opsToken]) {
        expectProblem(await call('POST', '/users', { token, body: user() }), 403);
        expectProblem(await call('PATCH', `/users/${am.body.id}`, { token, body: { name: 'x' } }), 403);
      }
      expectProblem(await call('GET', '/users', { token: amToken }), 403);
      expectProblem(await call('GET', '/users', { token: opsToken }), 403);
      const team = await call('GET', '/users', { token: leadToken });
      expect(team.status).toBe(200);
      expect(team.body.items.map((u: { id: string }) => u.id).sort()).toEqual([lead.body.id, am.body.id].sort());
      expect(team.body.items.map((u: { id: string }) => u.id)).not.toContain(otherAm.body.id);
      const all = await call('GET', '/users', { token: adminToken });
      expect(all.body.items.length).toBeGreaterThanOrEqual(4);
    });

    it('PATCH /users/:id changes and disables a user; a disabled user is signed out and cannot sign in', async () => {
      const body = user({ role: 'account_manager' });
      const created = await call('POST', '/users', { token: adminToken, body });
      const token = await signIn(body);
      const renamed = await call('PATCH', `/users/${created.body.id}`, { token: adminToken, body: { name: 'New Name' } });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe('New Name');
      expect((await call('GET', '/auth/me', { token })).body.name).toBe('New Name');

      const disabled = await call('PATCH', `/users/${created.body.id}`, { token: adminToken, body: { disabled: true } });
      expect(disabled.body.disabled).toBe(true);
      expectProblem(await call('GET', '/auth/me', { token }), 401);
      expectProblem(await login(body.email, body.password), 401);

      const events = await stack.db.ds.query(`SELECT type, data FROM events WHERE stream_id = $1 AND type = 'UserChanged' ORDER BY stream_version`, [`user-${created.body.id}`]);
      expect(events.map((e: { data: { changes: unknown } }) => e.data.changes)).toEqual([{ name: 'New Name' }, { disabled: true }]);

      expectProblem(await call('PATCH', `/users/00000000-0000-4000-8000-000000000000`, { token: adminToken, body: { name: 'x' } }), 404);
      expectProblem(await call('PATCH', `/users/not-a-uuid`, { token: adminToken, body: { name: 'x' } }), 404);
      expectProblem(await call('PATCH', `/users/${created.body.id}`, { token: adminToken, body: { email: 'x@y.z' } }), 422);
      const self = await call('GET', '/auth/me', { token: adminToken });
      expectProblem(await call('PATCH', `/users/${self.body.id}`, { token: adminToken, body: { role: 'ops' } }), 409);
    });
  });

  describe('role and team changes', () => {
    it('a role change signs the user out; a team lead with a team cannot be demoted until the team moves', async () => {
      const leadBody = { email: `lead-${Date.now()}@closeness.test`, name: 'Lead', password: 'lead-password-1', role: 'team_lead' };
      const lead = await call('POST', '/users', { token: adminToken, body: leadBody });
      const am = await call('POST', '/users', { token: adminToken, body: { email: `am-${Date.now()}@closeness.test`, name: 'AM', password: 'am-password-1', role: 'account_manager', teamLeadId: lead.body.id } });
      const leadToken = (await login(leadBody.email, leadBody.password)).body.token;

      expectProblem(await call('PATCH', `/users/${lead.body.id}`, { token: adminToken, body: { role: 'account_manager' } }), 409);
      expect((await call('PATCH', `/users/${am.body.id}`, { token: adminToken, body: { teamLeadId: null } })).body.teamLeadId).toBeNull();
      const demoted = await call('PATCH', `/users/${lead.body.id}`, { token: adminToken, body: { role: 'account_manager' } });
      expect(demoted.status).toBe(200);
      expect(demoted.body.role).toBe('account_manager');
      expectProblem(await call('GET', '/auth/me', { token: leadToken }), 401);
      const relogin = await login(leadBody.email, leadBody.password);
      expect(relogin.body.user.role).toBe('account_manager');
    });
  });

  describe('source tokens', () => {
    it('are accepted only by @AllowSource routes; unknown ones are 401', async () => {
      const token = `cls_src_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
      await stack.db.ds.query(
        `INSERT INTO sources (id, name, format, secret, api_token_hash) VALUES (gen_random_uuid(), 'crm', 'touchpoint', 'whsec_x', $1)`,
        [sha256Hex(token)],
      );
      expectProblem(await call('GET', '/auth/me', { token }), 403);
      expectProblem(await call('GET', '/users', { token }), 403);
      expectProblem(await call('GET', '/auth/me', { token: `${token}x` }), 401);
      // ...and they do reach a route marked @AllowSource.
      const customerId = '0e6b9c52-54f4-4d8e-bb47-3f1c1a7c2d10';
      await stack.db.ds.query(`INSERT INTO customers (id, external_id, name) VALUES ($1, 'src-test', 'Source Test')`, [customerId]);
      const tp = { customerId, channel: 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', occurredAt: new Date(Date.now() - 60_000).toISOString() };
      expect((await call('POST', '/touchpoints', { token, body: tp })).status).toBe(201);
      expectProblem(await call('POST', '/touchpoints', { token: `${token}x`, body: tp }), 401);
    });
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

describe('hardening settings', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ worker: false, env: { COOKIE_SECURE: 'true', RATE_LIMIT_PER_MINUTE: '25' } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('marks the cookie Secure when COOKIE_SECURE=true, sends helmet headers and no CORS headers', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify(ADMIN),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/i);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBeTruthy();
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('applies the general rate limit (RATE_LIMIT_PER_MINUTE) with a 429 problem and Retry-After', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 40; i++) {
      last = await fetch(`${stack.baseUrl}/api/v1/auth/me`);
      if (last.status === 429) break;
      expect(last.status).toBe(401);
    }
    expect(last!.status).toBe(429);
    expect(last!.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
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
