import { startEmbeddedPostgres, type EmbeddedDatabase } from '../libs/shared/src/database/embedded.js';

const say = (line: string) => process.stderr.write(`closeness: ${line}\n`);

/**
 * With DATABASE_URL unset, starts the embedded PostgreSQL (data in `.closeness/pg`) or joins the
 * one a running `npm start` has, and sets DATABASE_URL for this process and its children.
 * With it set, does nothing: that server is used.
 */
export async function embeddedDatabaseUnlessSet(): Promise<EmbeddedDatabase | undefined> {
  if (process.env.DATABASE_URL) return undefined;
  try {
    const db = await startEmbeddedPostgres({ log: say });
    process.env.DATABASE_URL = `${db.baseUrl}/closeness`;
    if (db.owned) {
      say(
        `DATABASE_URL is not set: started an embedded PostgreSQL on 127.0.0.1:${db.port}, data in ${db.dir}; it stops with Closeness. ` +
          'For a real server set DATABASE_URL (e.g. postgres://postgres:postgres@127.0.0.1:5432/closeness).',
      );
    }
    return db;
  } catch (err) {
    say(`could not start the embedded PostgreSQL: ${(err as Error).message || String(err)}. Set DATABASE_URL to use a PostgreSQL server of your own.`);
    process.exit(1);
  }
}
