import type { Queryable } from './types.js';

/**
 * Shadow copies of a projection's tables for a rebuild without downtime: a schema of their own
 * holding tables of the same names, columns, defaults, constraints, indexes (under the live
 * indexes' names, so migrations that name them still find them after a swap), foreign keys among
 * them and triggers, the owner, table and column privileges, storage parameters, and row-level
 * security (enabled/forced and the policies), so that a role granted on a live table keeps its
 * access after the swap; plus a `projection_parked_events` of the shadow's own. A transaction that
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
  for (const t of live) await copyAccess(tx, t, `${s}.${quoteIdent(t.name)}`);
  // Policies: their expressions are printed like the foreign keys, so one naming a table of the set names its shadow copy.
  const policies: string[] = [];
  for (const t of live) for (const def of await policyDefs(tx, t.oid, `${s}.${quoteIdent(t.name)}`)) policies.push(def);
  await inSchema(tx, schema, async () => {
    for (const def of policies) await tx.query(def);
  });
  const [parked] = await liveTables(tx, [PARKED_TABLE]);
  await tx.query(`CREATE TABLE ${s}.${PARKED_TABLE} (LIKE ${parked.qualified} INCLUDING ALL)`);
}

/**
 * What LIKE leaves behind that decides who may read a table: its owner, the privileges on it and
 * its columns (exactly the live ACLs: what CREATE TABLE gave the copy, default privileges
 * included, is revoked first), its storage parameters and whether row-level security is enabled
 * and forced. Grantors are not kept (the copy's grants are the current user's, as the owner's).
 */
async function copyAccess(tx: Queryable, t: LiveTable, shadow: string): Promise<void> {
  const [c] = await tx.query(
    `SELECT pg_get_userbyid(relowner) AS owner, relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) AS mine,
            relrowsecurity, relforcerowsecurity, array_to_string(reloptions, ', ') AS options
     FROM pg_class WHERE oid = $1`,
    [t.oid],
  );
  // The owner first: changing it rewrites the ACL, which is set below.
  if (!c.mine) await tx.query(`ALTER TABLE ${shadow} OWNER TO ${quoteIdent(c.owner)}`);
  if (c.options) await tx.query(`ALTER TABLE ${shadow} SET (${c.options})`);
  const grantee = `CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END`;
  for (const r of await tx.query(`SELECT DISTINCT ${grantee} AS grantee FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a WHERE c.oid = to_regclass($1)`, [shadow])) {
    await tx.query(`REVOKE ALL ON TABLE ${shadow} FROM ${r.grantee}`);
  }
  for (const r of await tx.query(
    `SELECT ${grantee} AS grantee, a.privilege_type AS privilege, a.is_grantable AS grantable FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a WHERE c.oid = $1`,
    [t.oid],
  )) {
    await tx.query(`GRANT ${r.privilege} ON TABLE ${shadow} TO ${r.grantee}${r.grantable ? ' WITH GRANT OPTION' : ''}`);
  }
  // Column privileges (a new column has none, so there is nothing to revoke).
  for (const r of await tx.query(
    `SELECT ${grantee} AS grantee, a.privilege_type AS privilege, a.is_grantable AS grantable, quote_ident(att.attname) AS col
     FROM pg_attribute att, aclexplode(att.attacl) a WHERE att.attrelid = $1 AND att.attnum > 0 AND NOT att.attisdropped AND att.attacl IS NOT NULL`,
    [t.oid],
  )) {
    await tx.query(`GRANT ${r.privilege} (${r.col}) ON TABLE ${shadow} TO ${r.grantee}${r.grantable ? ' WITH GRANT OPTION' : ''}`);
  }
  if (c.relrowsecurity) await tx.query(`ALTER TABLE ${shadow} ENABLE ROW LEVEL SECURITY`);
  if (c.relforcerowsecurity) await tx.query(`ALTER TABLE ${shadow} FORCE ROW LEVEL SECURITY`);
}

const POLICY_COMMANDS: Record<string, string> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' };

/** The live table's row-level-security policies as CREATE POLICY statements on `shadow`. */
async function policyDefs(tx: Queryable, oid: number, shadow: string): Promise<string[]> {
  const rows = await tx.query(
    `SELECT quote_ident(polname) AS name, polcmd::text AS cmd, polpermissive AS permissive,
            CASE WHEN polroles = '{0}' THEN 'PUBLIC' ELSE (SELECT string_agg(quote_ident(rolname), ', ' ORDER BY rolname) FROM pg_roles WHERE oid = ANY(polroles)) END AS roles,
            pg_get_expr(polqual, polrelid) AS qual, pg_get_expr(polwithcheck, polrelid) AS with_check
     FROM pg_policy WHERE polrelid = $1 ORDER BY polname`,
    [oid],
  );
  return rows.map(
    (r: any) =>
      `CREATE POLICY ${r.name} ON ${shadow} AS ${r.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${POLICY_COMMANDS[r.cmd]} TO ${r.roles}` +
      (r.qual ? ` USING (${r.qual})` : '') +
      (r.with_check ? ` WITH CHECK (${r.with_check})` : ''),
  );
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
