import type { EventStore } from './event-store.js';
import { preparedQuery } from './prepared.js';
import type { CustomerReach, NewEvent, Precondition, Queryable } from './types.js';

/*
 * The multi-stream statements behind `EventStore.handle` (private to the event store): one
 * statement for many streams, with typed preconditions compiled into it, and the group commit's
 * statement of several independent units.
 */

export interface AppendManyItem {
  streamId: string;
  events: NewEvent[];
}

export interface AppendManyResult {
  id: string;
  streamId: string;
  streamVersion: number;
  globalPosition: number;
  /** Already stored before this call (or earlier in the same call): nothing was written for it. */
  duplicate: boolean;
}

/**
 * A precondition written into the append statement itself. `sql` is a statement that returns
 * rows (a SELECT, or an INSERT/UPDATE ... RETURNING): the events are written only when it
 * returns at least one row, and its own writes commit or roll back with them. `param(value)`
 * binds a value and answers its placeholder.
 */
type AppendCondition = (param: (value: unknown) => string) => string;

/**
 * Appends many events to many streams in ONE statement with 'any' semantics: each stream gets
 * versions current max + 1, 2, ... in input order. Event ids already stored are skipped and
 * reported as duplicates (with their stored position); an id repeated inside the input is
 * written once. Results come back in input order, one per event.
 *
 * Concurrent writers to the same stream can collide on (stream_id, stream_version): the
 * statement then fails with a unique violation and, because it runs inside `tx`, the caller
 * must retry its whole transaction (see `isAppendConflict`).
 */
export async function appendMany(store: EventStore, items: AppendManyItem[], tx: Queryable): Promise<AppendManyResult[]>;
/**
 * With a condition: null when the condition returned no row (nothing was written). Without a
 * transaction around it the statement commits on its own, so `db` may be the pool itself.
 */
export async function appendMany(store: EventStore, items: AppendManyItem[], db: Queryable, condition: AppendCondition): Promise<AppendManyResult[] | null>;
export async function appendMany(store: EventStore, items: AppendManyItem[], tx: Queryable, condition?: AppendCondition): Promise<AppendManyResult[] | null> {
  const f = flatten(store, [items]);
  if (f.ids.length === 0) return [];
  if (f.ids.length === 1) return appendOne(f.streams[0], f.ids[0], f.types[0], f.versions[0], f.data[0], f.metadata[0], tx, condition);
  const { rows } = await generalStatement(f, tx, condition ? { condition } : {});
  if (condition && rows.length === 0) return null;
  return resultsInOrder(f.ids, 0, f.ids.length, byEventId(rows), new Set());
}

/**
 * Which units a unit statement admits: one or more CTE definitions (`a AS (...), adm AS (...)`),
 * the statement's first, of which `adm` returns a column `unit` (1-based numbers into the units
 * given). Their own writes commit or roll back with the events.
 */
type AdmitUnits = (param: (value: unknown) => string) => string;

/**
 * Several independent units of events in ONE statement (group commit): each unit is written
 * whole if `admit` admits it and not at all otherwise (null in its place), with appendMany's
 * 'any' semantics per stream across all admitted units in order: versions follow input order,
 * ids stored before are duplicates, and an id repeated in a later unit is a duplicate of the
 * first. A conflict with a concurrent writer fails the whole statement (`isAppendConflict`).
 */
async function appendUnits(store: EventStore, units: AppendManyItem[][], db: Queryable, admit: AdmitUnits): Promise<(AppendManyResult[] | null)[]> {
  const f = flatten(store, units);
  const { rows, admitted } = await generalStatement(f, db, { admit });
  const byId = byEventId(rows);
  const seen = new Set<string>();
  let from = 0;
  return units.map((items, u) => {
    const count = items.reduce((n, it) => n + it.events.length, 0);
    const at = from;
    from += count;
    return admitted.has(u + 1) ? resultsInOrder(f.ids, at, at + count, byId, seen) : null;
  });
}

interface Flat {
  streams: string[];
  ids: string[];
  types: string[];
  versions: number[];
  data: unknown[];
  metadata: unknown[];
  /** 1-based unit number of each event. */
  units: number[];
}

function flatten(store: EventStore, units: AppendManyItem[][]): Flat {
  const f: Flat = { streams: [], ids: [], types: [], versions: [], data: [], metadata: [], units: [] };
  units.forEach((items, u) => {
    for (const item of items) {
      for (const e of item.events) {
        f.streams.push(item.streamId);
        f.ids.push(e.id);
        f.types.push(e.type);
        f.versions.push(e.schemaVersion ?? store.upcasters.currentVersion(e.type));
        f.data.push(e.data ?? null);
        f.metadata.push(e.metadata ?? {});
        f.units.push(u + 1);
      }
    }
  });
  return f;
}

/** Unit statements up to this many events run as a named statement (see generalStatement). */
const NAMED_UNITS_MAX_EVENTS = 100;

/** The general statement: one condition for everything, or units admitted one by one, or neither. */
async function generalStatement(f: Flat, tx: Queryable, gate: { condition?: AppendCondition; admit?: AdmitUnits }): Promise<{ rows: any[]; admitted: Set<number> }> {
  // Payloads travel as one JSON array each, not as jsonb[]: the driver's array literal would
  // escape every quote of every event's JSON again, which a 1,000-event batch felt.
  const params: unknown[] = [f.streams, f.ids, f.types, f.versions, JSON.stringify(f.data), JSON.stringify(f.metadata)];
  const param = (value: unknown) => `$${params.push(value)}`;
  let pre = '';
  let insGate = '';
  let dupGate = '';
  let unitCol = '';
  let unitArr = '';
  let freshGate = '';
  let admittedRows = '';
  if (gate.condition) {
    pre = `cond AS (${gate.condition(param)}), `;
    insGate = 'WHERE EXISTS (SELECT 1 FROM cond)';
    dupGate = ' WHERE EXISTS (SELECT 1 FROM cond)';
  } else if (gate.admit) {
    pre = `${gate.admit(param)}, `;
    unitArr = `, ${param(f.units)}::int[]`;
    unitCol = ', unit';
    freshGate = 'AND i.unit IN (SELECT unit FROM adm)';
    admittedRows = ' UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, unit FROM adm';
  }
  // Not a named statement: with its array parameters the generic plan Postgres settles on after a
  // few runs is slower than a fresh plan for large batches. Group commits of a few small units
  // are the exception: there, parsing and planning the statement on every call cost Postgres more
  // than the write, and the same text serves every call.
  const named = gate.admit !== undefined && f.ids.length <= NAMED_UNITS_MAX_EVENTS;
  const sql = `WITH ${pre}input AS (
       SELECT t.stream_id, t.id, t.type, t.sv, $5::jsonb -> (t.ord::int - 1) AS data, $6::jsonb -> (t.ord::int - 1) AS meta, t.ord${unitCol}
       FROM unnest($1::text[], $2::uuid[], $3::text[], $4::int[]${unitArr}) WITH ORDINALITY AS t(stream_id, id, type, sv${unitCol}, ord)
     ), dup AS (
       SELECT e.event_id, e.stream_id, e.stream_version, e.global_position FROM events e WHERE e.event_id IN (SELECT id FROM input)
     ), fresh AS (
       SELECT DISTINCT ON (i.id) i.* FROM input i WHERE NOT EXISTS (SELECT 1 FROM dup d WHERE d.event_id = i.id) ${freshGate} ORDER BY i.id, i.ord
     ), cur AS (
       SELECT s.stream_id, coalesce((SELECT max(e.stream_version) FROM events e WHERE e.stream_id = s.stream_id), 0) AS v
       FROM (SELECT DISTINCT stream_id FROM fresh) s
     ), ins AS (
       INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
       SELECT f.id, f.stream_id, cur.v + row_number() OVER (PARTITION BY f.stream_id ORDER BY f.ord), f.type, f.sv, f.data, f.meta
       FROM fresh f JOIN cur ON cur.stream_id = f.stream_id
       ${insGate}
       -- Streams in a fixed order: concurrent batches touching the same streams wait for each
       -- other instead of deadlocking; inside a stream the input order is kept.
       ORDER BY f.stream_id, f.ord
       RETURNING event_id, stream_id, stream_version, global_position
     )
     SELECT false AS duplicate, event_id, stream_id, stream_version, global_position${unitCol ? ', NULL::int AS unit' : ''} FROM ins
     UNION ALL
     SELECT true, event_id, stream_id, stream_version, global_position${unitCol ? ', NULL' : ''} FROM dup${dupGate}${admittedRows}`;
  const rows: any[] = named ? await preparedQuery(tx, sql, params) : await tx.query(sql, params);
  if (!gate.admit) return { rows, admitted: new Set() };
  const admitted = new Set<number>();
  const events: any[] = [];
  for (const r of rows) {
    if (r.event_id === null) admitted.add(Number(r.unit));
    else events.push(r);
  }
  return { rows: events, admitted };
}

function byEventId(rows: any[]): Map<string, any> {
  const byId = new Map<string, any>();
  for (const r of rows) byId.set(r.event_id, r);
  return byId;
}

/** Results for ids[from..to) from the statement's rows; `seen` marks ids answered earlier in the same statement. */
function resultsInOrder(ids: string[], from: number, to: number, byId: Map<string, any>, seen: Set<string>): AppendManyResult[] {
  const out: AppendManyResult[] = [];
  for (let k = from; k < to; k++) {
    const id = ids[k];
    const r = byId.get(id);
    if (!r) throw new Error(`appendMany: no row for event ${id}`);
    const repeated = seen.has(id);
    seen.add(id);
    out.push({ id, streamId: r.stream_id, streamVersion: Number(r.stream_version), globalPosition: Number(r.global_position), duplicate: Boolean(r.duplicate) || repeated });
  }
  return out;
}

/**
 * One event (a webhook delivery, a single POST): a one-row INSERT with the version and the id
 * checked inline, which costs Postgres much less than the general statement. Same answers:
 * null when the condition returned no row, else the event's result (a duplicate when its id was
 * stored already; its stored position is read back).
 */
async function appendOne(streamId: string, id: string, type: string, schemaVersion: number, data: unknown, metadata: unknown, tx: Queryable, condition?: AppendCondition): Promise<AppendManyResult[] | null> {
  const params: unknown[] = [streamId, id, type, schemaVersion, JSON.stringify(data), JSON.stringify(metadata)];
  const cond = condition ? condition((value) => `$${params.push(value)}`) : 'SELECT 1';
  const [row] = await preparedQuery(
    tx,
    `WITH cond AS (${cond}), ins AS (
       INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, data, metadata)
       SELECT $2::uuid, $1::text, cur.v + 1, $3::text, $4::int, $5::jsonb, $6::jsonb
       FROM (SELECT coalesce(max(stream_version), 0) AS v FROM events WHERE stream_id = $1::text) AS cur
       WHERE EXISTS (SELECT 1 FROM cond) AND NOT EXISTS (SELECT 1 FROM events WHERE event_id = $2::uuid)
       RETURNING stream_version, global_position
     )
     SELECT EXISTS (SELECT 1 FROM cond) AS ok, ins.stream_version, ins.global_position FROM (SELECT 1) AS one LEFT JOIN ins ON true`,
    params,
  );
  if (!row.ok) return null;
  if (row.stream_version !== null && row.stream_version !== undefined) {
    return [{ id, streamId, streamVersion: Number(row.stream_version), globalPosition: Number(row.global_position), duplicate: false }];
  }
  const [stored] = await preparedQuery(tx, 'SELECT stream_id, stream_version, global_position FROM events WHERE event_id = $1::uuid', [id]);
  if (!stored) throw new Error(`appendMany: no row for event ${id}`);
  return [{ id, streamId: stored.stream_id, streamVersion: Number(stored.stream_version), globalPosition: Number(stored.global_position), duplicate: true }];
}

/**
 * A collision with a concurrent writer (same stream version or event id taken, a deadlock or a
 * serialization failure): retrying the whole transaction resolves it.
 */
export function isAppendConflict(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e?.code ?? e?.driverError?.code;
  const constraint = e?.constraint ?? e?.driverError?.constraint;
  if (code === '40P01' || code === '40001') return true;
  return code === '23505' && (constraint === 'events_stream_version_key' || constraint === 'events_event_id_key');
}

/**
 * Runs `attempt` again (up to `retries` times, with a short growing random pause) while it fails
 * with an append conflict: the statement or transaction rolled back as a whole, and the next try
 * sees the winner's rows.
 */
export async function retryAppendConflicts<T>(attempt: () => Promise<T>, retries = 8): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isAppendConflict(err) || n >= retries) throw err;
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 10 * (n + 1)));
    }
  }
}

/** One writer's events with the preconditions they are written under (all or nothing). */
export interface PreconditionedUnit {
  items: AppendManyItem[];
  preconditions: readonly Precondition[];
}

interface Compiled {
  pairIds: string[];
  pairExts: (string | null)[];
  /** The writer's reach over those customers: one per unit, since a unit has one writer. */
  reach?: CustomerReach;
  claim?: { sourceId: string; dedupeKey: string; eventIds: readonly string[] };
  owned?: { actorId: string; ids: string[]; streams: string[] };
}

const sameReach = (a: CustomerReach | undefined, b: CustomerReach | undefined) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function compile(preconditions: readonly Precondition[]): Compiled {
  const pairs = new Map<string, [string, string | null]>();
  let reach: CustomerReach | undefined;
  let reachSet = false;
  let claim: Compiled['claim'];
  let owned: Compiled['owned'];
  for (const p of preconditions) {
    if (p.kind === 'customers_exist') {
      if (reachSet && !sameReach(reach, p.reach)) throw new Error('one reach per write');
      [reach, reachSet] = [p.reach, true];
      for (const c of p.customers) pairs.set(`${c.id}\u0000${c.externalId ?? ''}`, [c.id, c.externalId]);
    } else if (p.kind === 'delivery_claimed') {
      if (claim) throw new Error('one delivery claim per write');
      claim = { sourceId: p.sourceId, dedupeKey: p.dedupeKey, eventIds: p.eventIds };
    } else {
      if (owned && owned.actorId !== p.actorId) throw new Error('one writer per write');
      owned ??= { actorId: p.actorId, ids: [], streams: [] };
      for (const e of p.events) {
        owned.ids.push(e.id);
        owned.streams.push(e.streamId);
      }
    }
  }
  if (owned && owned.ids.length === 0) owned = undefined;
  return { pairIds: [...pairs.values()].map((x) => x[0]), pairExts: [...pairs.values()].map((x) => x[1]), ...(reach ? { reach } : {}), claim, owned };
}

/**
 * The reach as a condition on the customers row `c`, `am` and `tl` being SQL for the account
 * manager's and the team lead's ids (the object-level scope of libs/shared's scopeCondition:
 * a team lead reaches their own customers and their account managers').
 */
function reachCondition(am: string, tl: string): string {
  return `(${am} IS NULL OR c.account_manager_id = ${am})
          AND (${tl} IS NULL OR c.account_manager_id = ${tl} OR c.account_manager_id IN (SELECT u.id FROM users u WHERE u.team_lead_id = ${tl}))`;
}

const reachIds = (r: CustomerReach | undefined) => ({ am: r && 'accountManager' in r ? r.accountManager : null, tl: r && 'teamLead' in r ? r.teamLead : null });

/**
 * Units written under their preconditions: one unit as one statement (a named one-row
 * statement for a single event), several in one statement, each admitted on its own (its
 * customers found, its claim new) or refused (null in its place) with nothing of it written.
 */
export function appendUnitsWithPreconditions(store: EventStore, units: PreconditionedUnit[], db: Queryable): Promise<(AppendManyResult[] | null)[]> {
  if (units.length === 1) return alone(store, units[0], db).then((r) => [r]);
  return together(store, units, db);
}

function alone(store: EventStore, unit: PreconditionedUnit, db: Queryable): Promise<AppendManyResult[] | null> {
  const { pairIds, pairExts, reach, claim, owned } = compile(unit.preconditions);
  return appendMany(store, unit.items, db, (p) => {
    // A signed-in writer's customers must be theirs to write for; sources and admins reach all
    // (their statement stays as it was).
    let reached = '';
    if (reach) {
      const { am, tl } = reachIds(reach);
      reached = ` AND ${reachCondition(`${p(am)}::uuid`, `${p(tl)}::uuid`)}`;
    }
    // Every pair found, each by its primary key. A named statement is planned once per
    // connection only if its generic plan costs what a custom plan does: with an array of
    // unknown length it never did, so Postgres planned the whole statement again on every call
    // (most of its CPU per webhook), and that plan hashed a sequential scan of the customers
    // table. One pair (a single touchpoint) is checked by plain parameters; more by an EXISTS
    // per element, which stays an index probe whatever the plan.
    let ok =
      pairIds.length === 0
        ? 'true'
        : pairIds.length === 1
          ? `EXISTS (SELECT 1 FROM customers c WHERE c.id = ${p(pairIds[0])}::uuid AND (${p(pairExts[0])}::text IS NULL OR c.external_id = ${p(pairExts[0])}::text)${reached})`
          : `(SELECT bool_and(EXISTS (SELECT 1 FROM customers c WHERE c.id = k.id AND (k.ext IS NULL OR c.external_id = k.ext)${reached}))
               FROM unnest(${p(pairIds)}::uuid[], ${p(pairExts)}::text[]) AS k(id, ext))`;
    // An id stored in another stream, or by another writer, is no duplicate of this one: an index
    // probe per id, by event_id.
    if (owned) {
      const actor = p(owned.actorId);
      ok +=
        owned.ids.length === 1
          ? ` AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = ${p(owned.ids[0])}::uuid AND (e.stream_id <> ${p(owned.streams[0])}::text OR e.metadata->>'actorId' IS DISTINCT FROM ${actor}::text))`
          : ` AND NOT EXISTS (SELECT 1 FROM unnest(${p(owned.ids)}::uuid[], ${p(owned.streams)}::text[]) AS o(id, s) JOIN events e ON e.event_id = o.id
                 WHERE e.stream_id <> o.s OR e.metadata->>'actorId' IS DISTINCT FROM ${actor}::text)`;
    }
    if (!claim) return `SELECT 1 WHERE ${ok}`;
    return `INSERT INTO webhook_deliveries (source_id, dedupe_key, outcome, event_ids)
            SELECT ${p(claim.sourceId)}::uuid, ${p(claim.dedupeKey)}::text, 'accepted', ${p(claim.eventIds)}::uuid[] WHERE ${ok}
            ON CONFLICT DO NOTHING RETURNING 1`;
  });
}

function together(store: EventStore, units: PreconditionedUnit[], db: Queryable): Promise<(AppendManyResult[] | null)[]> {
  const compiled = units.map((u) => compile(u.preconditions));
  if (compiled.some((c) => c.owned)) throw new Error('a unit with owned ids goes alone');
  const claims = compiled.map((u, i) => ({ unit: i + 1, source_id: u.claim?.sourceId ?? null, dedupe_key: u.claim?.dedupeKey ?? null, event_ids: u.claim?.eventIds ?? null }));
  const reached = compiled.some((u) => u.reach);
  const pairs = compiled.flatMap((u, i) => u.pairIds.map((id, k) => ({ unit: i + 1, id, ext: u.pairExts[k], ...(reached ? reachIds(u.reach) : {}) })));
  return appendUnits(
    store,
    units.map((u) => u.items),
    db,
    (p) => `units AS (
         SELECT * FROM jsonb_to_recordset(${p(JSON.stringify(claims))}::jsonb) AS x(unit int, source_id uuid, dedupe_key text, event_ids uuid[])
       ), pairs AS (
         SELECT * FROM jsonb_to_recordset(${p(JSON.stringify(pairs))}::jsonb) AS x(unit int, id uuid, ext text${reached ? ', am uuid, tl uuid' : ''})
       ), missing AS (
         -- A lateral probe per pair: an index lookup whatever the size of the customers table.
         SELECT k.unit FROM pairs k
         LEFT JOIN LATERAL (SELECT 1 AS hit FROM customers c WHERE c.id = k.id AND (k.ext IS NULL OR c.external_id = k.ext)${reached ? ` AND ${reachCondition('k.am', 'k.tl')}` : ''} LIMIT 1) h ON true
         WHERE h.hit IS NULL
       ), known AS (
         SELECT u.* FROM units u WHERE u.unit NOT IN (SELECT unit FROM missing)
       ), claimed AS (
         INSERT INTO webhook_deliveries (source_id, dedupe_key, outcome, event_ids)
         -- the group commit never puts one key in a statement twice; should it, the first unit claims it
         SELECT DISTINCT ON (source_id, dedupe_key) source_id, dedupe_key, 'accepted', event_ids FROM known WHERE dedupe_key IS NOT NULL
         ORDER BY source_id, dedupe_key, unit -- one lock order for concurrent statements
         ON CONFLICT DO NOTHING RETURNING source_id, dedupe_key, event_ids
       ), adm AS (
         SELECT k.unit FROM known k
         WHERE k.dedupe_key IS NULL
            OR EXISTS (SELECT 1 FROM claimed c WHERE c.source_id = k.source_id AND c.dedupe_key = k.dedupe_key AND c.event_ids = k.event_ids)
       )`,
  );
}

/** The delivery claim's key among preconditions (the group commit keeps one key out of a statement twice). */
export function claimKey(preconditions: readonly Precondition[]): string | undefined {
  for (const p of preconditions) if (p.kind === 'delivery_claimed') return `${p.sourceId}\u0000${p.dedupeKey}`;
  return undefined;
}

/** Whether the preconditions check ids against their writer (such a unit is written alone). */
export function checksOwnership(preconditions: readonly Precondition[]): boolean {
  return preconditions.some((p) => p.kind === 'ids_owned' && p.events.length > 0);
}
