import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const say = (line: string) => process.stderr.write(`closeness: ${line}\n`);

export interface EmbeddedHandle {
  port: number;
  stop(): Promise<void>;
}

/**
 * With DATABASE_URL unset, starts the embedded PostgreSQL (data in `.closeness/pg`) or joins the
 * one a running `npm start` has, and sets DATABASE_URL for this process and its children; the
 * server runs in a process of its own (scripts/embedded-postgres-server.ts). With DATABASE_URL
 * set, does nothing: that server is used.
 */
export async function embeddedDatabaseUnlessSet(): Promise<EmbeddedHandle | undefined> {
  if (process.env.DATABASE_URL) return undefined;
  const entry = join(dirname(fileURLToPath(import.meta.url)), 'embedded-postgres-server.js');
  const child = fork(entry, [], { detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = await new Promise<{ baseUrl?: string; port?: number; dir?: string; owned?: boolean; error?: string }>((resolve) => {
    child.once('message', (m) => resolve(m as never));
    child.once('exit', (code) => resolve({ error: `it exited (${code})` }));
  });
  if (started.error || !started.baseUrl) {
    say(`could not start the embedded PostgreSQL: ${started.error}. Set DATABASE_URL to use a PostgreSQL server of your own.`);
    process.exit(1);
  }
  process.env.DATABASE_URL = `${started.baseUrl}/closeness`;
  if (!started.owned) return { port: started.port!, stop: async () => undefined };
  say(
    `DATABASE_URL is not set: started an embedded PostgreSQL on 127.0.0.1:${started.port}, data in ${started.dir}; it stops with Closeness. ` +
      'For a real server set DATABASE_URL (e.g. postgres://postgres:postgres@127.0.0.1:5432/closeness).',
  );
  return {
    port: started.port!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      say('embedded PostgreSQL stopped');
    },
  };
}
