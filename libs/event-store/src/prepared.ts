import { createHash } from 'node:crypto';
import type { Queryable } from './event-store.js';

/** The bit of a pg Pool / PoolClient used here: a query with a statement name. */
interface PgQueryable {
  query(config: { name: string; text: string; values?: unknown[] }): Promise<{ rows: any[] }>;
}

const names = new Map<string, string>();
const NAMES_MAX = 200;

/** A stable statement name for a SQL text (the server keeps one plan per name and connection). */
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `closeness_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size >= NAMES_MAX) names.clear();
    names.set(text, name);
  }
  return name;
}

/**
 * The pg connection under a TypeORM DataSource (its pool), EntityManager or QueryRunner (the
 * transaction's client), or undefined for anything else.
 */
function pgOf(db: Queryable): PgQueryable | undefined {
  const d = db as {
    driver?: { master?: PgQueryable };
    queryRunner?: { databaseConnection?: PgQueryable; isReleased?: boolean };
    databaseConnection?: PgQueryable;
    isReleased?: boolean;
  };
  if (d.queryRunner?.databaseConnection && !d.queryRunner.isReleased) return d.queryRunner.databaseConnection;
  if (d.databaseConnection && d.isReleased === false) return d.databaseConnection;
  if (d.driver?.master && typeof d.driver.master.query === 'function' && !d.queryRunner) return d.driver.master;
  return undefined;
}

/**
 * Runs `text` as a named (prepared) statement on the pg connection under `db`: Postgres parses
 * and plans it once per connection instead of on every call. For the few hot statements only
 * (fixed SQL texts): an ad-hoc text would leave a prepared statement behind on each connection.
 * Falls back to `db.query` when `db` is not TypeORM over pg (tests' wrappers, a plain Queryable).
 */
export async function preparedQuery(db: Queryable, text: string, values: unknown[]): Promise<any[]> {
  const pg = pgOf(db);
  if (!pg) return db.query(text, values);
  return (await pg.query({ name: statementName(text), text, values })).rows;
}
