import type { Queryable } from './types.js';

/**
 * Shadow copies of a projection's tables for a rebuild without downtime: a schema of their own
 * holding tables of the same names, columns, defaults, constraints, indexes (under the live
 * indexes' names, so migrations that name them still find them after a swap), foreign keys among
 * them and triggers, plus a `projection_parked_events` of the shadow's own. A transaction that
 * puts the schema first on its `search_path` writes the shadow with the projection's own
 * unqualified SQL; everything else it names (the log, configuration) is the live schema's.
 */

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The parked-events table the runner writes unqualified: the shadow gets its own. */
const PARKED_TABLE = 'projection_parked_events';

interface LiveTable {
  name: string;
  oid: number;
  /** Schema-qualified and quoted, as pg_get_indexdef and pg_get_triggerdef print it. */
  qualified: string;
  schema: string;
}

async function liveTables(tx: Queryable, tables: readonly string[]): Promise<LiveTable[]> {
  const out: LiveTable[] = [];
  for (const name of tables) {
    const [r] = await tx.query(
      `SELECT c.oid::int AS oid, n.nspname AS schema, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS qualified
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)`,
      [quoteIdent(name)],
    );
    if (!r) throw new Error(`shadow rebuild: no table ${name}`);
    out.push({ name, oid: Number(r.oid), qualified: r.qualified, schema: r.schema });
  }
  return out;
}

/**
 * What would stop a swap from being safe: a view on one of the tables, or a foreign key into one
 * of them from a table outside the set (both would follow the old table and be dropped with it).
 * Empty: the tables can be rebuilt in a shadow.
 */
export async function shadowBlockers(tx: Queryable, tables: readonly string[]): Promise<string[]> {
  const live = await liveTables(tx, tables);
  const oids = live.map((t) => t.oid);
  const rows = await tx.query(
    `SELECT 'view ' || v.oid::regclass::text AS what FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid AND d.classid = 'pg_rewrite'::regclass
       JOIN pg_class v ON v.oid = r.ev_class WHERE d.refobjid = ANY($1::oid[]) AND v.oid <> ALL($1::oid[])
     UNION
     SELECT 'foreign key ' || conname || ' of ' || conrelid::regclass::text FROM pg_constraint
       WHERE contype = 'f' AND confrelid = ANY($1::oid[]) AND conrelid <> ALL($1::oid[])`,
    [oids],
  );
  return rows.map((r: any) => r.what as string);
}

/** Runs `f` with `schema` first on the transaction's search_path, then puts the path back. */
export async function inSchema<T>(tx: Queryable, schema: string, f: () => Promise<T>): Promise<T> {
  const [{ path }] = await tx.query(`SELECT current_setting('search_path') AS path`);
  await tx.query(`SELECT set_config('search_path', $1, true)`, [`${quoteIdent(schema)}, ${path}`]);
  const out = await f();
  // Not restored after a failure: the transaction is rolled back, and the setting with it.
  await tx.query(`SELECT set_config('search_path', $1, true)`, [path]);
  return out;
}

/** Creates `schema` with empty shadow copies of `tables` (see above), in the caller's transaction. */
export async function createShadow(tx: Queryable, schema: string, tables: readonly string[]): Promise<void> {
  const live = await liveTables(tx, tables);
  const s = quoteIdent(schema);
  const onShadow = (def: string, t: LiveTable) => def.replace(` ON ${t.qualified} `, ` ON ${s}.${quoteIdent(t.name)} `);
  await tx.query(`CREATE SCHEMA ${s}`);
  for (const t of live) {
    // Columns, defaults, generated columns, CHECK constraints, storage, comments; the indexes come below, under their live names.
    await tx.query(`CREATE TABLE ${s}.${quoteIdent(t.name)} (LIKE ${t.qualified} INCLUDING ALL EXCLUDING INDEXES)`);
  }
  for (const t of live) {
    for (const c of await tx.query(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1 AND contype IN ('p', 'u', 'x') ORDER BY contype, conname`, [t.oid])) {
      await tx.query(`ALTER TABLE ${s}.${quoteIdent(t.name)} ADD CONSTRAINT ${quoteIdent(c.conname)} ${c.def}`);
    }
    for (const i of await tx.query(
      `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i WHERE i.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = $1)`,
      [t.oid],
    )) {
      await tx.query(onShadow(i.def, t));
    }
  }
  // Foreign keys: printed with the live search_path, so a table of the set is named unqualified
  // and resolves, with the shadow first on the path, to its shadow copy.
  const fks: { table: string; name: string; def: string }[] = [];
  for (const t of live) {
    for (const c of await tx.query(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1 AND contype = 'f' ORDER BY conname`, [t.oid])) {
      fks.push({ table: t.name, name: c.conname, def: c.def });
    }
  }
  const triggers: string[] = [];
  for (const t of live) {
    for (const g of await tx.query(`SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = $1 AND NOT tgisinternal ORDER BY tgname`, [t.oid])) triggers.push(onShadow(g.def, t));
  }
  await inSchema(tx, schema, async () => {
    for (const fk of fks) await tx.query(`ALTER TABLE ${s}.${quoteIdent(fk.table)} ADD CONSTRAINT ${quoteIdent(fk.name)} ${fk.def}`);
  });
  for (const def of triggers) await tx.query(def);
  const [parked] = await liveTables(tx, [PARKED_TABLE]);
  await tx.query(`CREATE TABLE ${s}.${PARKED_TABLE} (LIKE ${parked.qualified} INCLUDING ALL)`);
}

/**
 * Puts the shadow copies in place of the live tables, in the caller's transaction: the live ones
 * move to a retired schema, the shadow ones into the live schema (their indexes, constraints and
 * triggers with them), sequences the live columns own go over to the new columns, and both
 * schemas are dropped. Readers wait for the commit (ACCESS EXCLUSIVE on the tables) and then
 * see the new tables; until it, the old ones.
 */
export async function swapShadow(tx: Queryable, schema: string, tables: readonly string[]): Promise<void> {
  const live = await liveTables(tx, tables);
  const s = quoteIdent(schema);
  const retired = quoteIdent(`${schema}_old`);
  const owned = await tx.query(
    `SELECT d.objid::int AS seq, quote_ident(c.relname) AS table_name, quote_ident(a.attname) AS column_name, quote_ident(n.nspname) AS schema
     FROM pg_depend d JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
     WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' AND d.refobjid = ANY($1::oid[])
       AND (SELECT relkind FROM pg_class WHERE oid = d.objid) = 'S'`,
    [live.map((t) => t.oid)],
  );
  await tx.query(`CREATE SCHEMA ${retired}`);
  for (const t of live) await tx.query(`ALTER TABLE ${t.qualified} SET SCHEMA ${retired}`);
  for (const t of live) await tx.query(`ALTER TABLE ${s}.${quoteIdent(t.name)} SET SCHEMA ${quoteIdent(t.schema)}`);
  // A serial column's sequence went with its old table; the new column's default names it too (by oid).
  for (const o of owned) {
    await tx.query(`ALTER SEQUENCE ${retired}.${await seqName(tx, o.seq)} SET SCHEMA ${o.schema}`);
    await tx.query(`ALTER SEQUENCE ${o.schema}.${await seqName(tx, o.seq)} OWNED BY ${o.schema}.${o.table_name}.${o.column_name}`);
  }
  await tx.query(`DROP SCHEMA ${retired} CASCADE`);
  await tx.query(`DROP SCHEMA ${s} CASCADE`);
}

const seqName = async (tx: Queryable, oid: number) => (await tx.query(`SELECT quote_ident(relname) AS n FROM pg_class WHERE oid = $1`, [oid]))[0].n as string;

/** Drops a shadow (a rebuild that starts over). */
export async function dropShadow(tx: Queryable, schema: string): Promise<void> {
  await tx.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
}
