import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { freshDatabase } from './support/env.js';

/** Migrations that move data, checked on rows written under the schema before them (real Postgres). */
jest.setTimeout(60_000);

describe('migration: relational score dictionary', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;

  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  // Later migrations come after this one: undo down to (and including) it, whatever was added since.
  const undoDictionary = async () => {
    const applied = async () => (await db.ds.query(`SELECT 1 FROM migrations WHERE name = 'RelationalScoreDictionary1764900000000'`)).length > 0;
    while (await applied()) await db.ds.undoLastMigration({ transaction: 'each' });
  };

  const score = (n: number) => ({ class: 'relational', score: n, signals: [{ name: 'two_way', detail: 'a two-way conversation', effect: 5.3 }] });

  it('given timeline rows holding their scores, when migrated up and down, then each row keeps its score and equal scores are stored once', async () => {
    await undoDictionary();
    const customerId = randomUUID();
    const rows = [
      { id: randomUUID(), relational: score(73) },
      { id: randomUUID(), relational: score(73) },
      { id: randomUUID(), relational: score(41) },
      { id: randomUUID(), relational: null },
    ];
    for (const [i, r] of rows.entries()) {
      await db.ds.query(
        `INSERT INTO customer_timeline (event_id, customer_id, position, stream_version, type, occurred_at, recorded_at, relational)
         VALUES ($1, $2, $3::int, $3::int, 'TouchpointRecorded', now(), now(), $4)`,
        [r.id, customerId, i + 1, r.relational === null ? null : JSON.stringify(r.relational)],
      );
    }

    await db.ds.runMigrations({ transaction: 'each' });
    const up = await db.ds.query(
      `SELECT t.event_id, t.relational_id, r.score FROM customer_timeline t LEFT JOIN relational_scores r ON r.id = t.relational_id WHERE t.customer_id = $1`,
      [customerId],
    );
    const byId = new Map(up.map((r: any) => [r.event_id, r]));
    for (const r of rows) expect((byId.get(r.id) as any).score).toEqual(r.relational);
    expect((byId.get(rows[0].id) as any).relational_id).toBe((byId.get(rows[1].id) as any).relational_id);
    expect((byId.get(rows[3].id) as any).relational_id).toBeNull();
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM relational_scores`))[0].n).toBe(2);

    await undoDictionary();
    const down = await db.ds.query(`SELECT event_id, relational FROM customer_timeline WHERE customer_id = $1`, [customerId]);
    for (const r of rows) expect(down.find((x: any) => x.event_id === r.id).relational).toEqual(r.relational);
    await db.ds.runMigrations({ transaction: 'each' });
  });
});

describe('migration: one e-mail key (#19.5)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;

  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const undoEmailKey = async () => {
    const applied = async () => (await db.ds.query(`SELECT 1 FROM migrations WHERE name = 'EmailKey1765500000000'`)).length > 0;
    while (await applied()) await db.ds.undoLastMigration({ transaction: 'each' });
  };

  it('given users stored before, when migrated, then each gets normalizeEmail as its key; a later clash is disabled and signed out, nothing deleted', async () => {
    await undoEmailKey();
    const ids = { strasse: randomUUID(), strasseClash: randomUUID(), kari: randomUUID() };
    const insert = (id: string, email: string, createdAt: string) =>
      db.ds.query(`INSERT INTO users (id, email, name, role, password_hash, created_at) VALUES ($1, $2, 'U', 'account_manager', 'x', $3)`, [id, email, createdAt]);
    // Distinct for Postgres lower(), one key once ß folds to ss.
    await insert(ids.strasse, 'strasse@x.de', '2025-01-01T00:00:00Z');
    await insert(ids.strasseClash, 'straße@x.de', '2025-02-01T00:00:00Z');
    await insert(ids.kari, 'Kari.Nordmann@Example.NO', '2025-03-01T00:00:00Z');
    await db.ds.query(`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + interval '1 hour')`, [`h-${ids.strasseClash}`, ids.strasseClash]);

    await db.ds.runMigrations({ transaction: 'each' });
    const rows = await db.ds.query(`SELECT id, email, email_key, disabled_at FROM users WHERE id = ANY($1)`, [Object.values(ids)]);
    const by = (id: string) => rows.find((r: any) => r.id === id);
    expect(by(ids.strasse)).toMatchObject({ email: 'strasse@x.de', email_key: 'strasse@x.de', disabled_at: null });
    expect(by(ids.kari)).toMatchObject({ email: 'Kari.Nordmann@Example.NO', email_key: 'kari.nordmann@example.no', disabled_at: null });
    expect(by(ids.strasseClash)).toMatchObject({ email: 'straße@x.de', email_key: `strasse@x.de#${ids.strasseClash}` });
    expect(by(ids.strasseClash).disabled_at).not.toBeNull();
    const [session] = await db.ds.query(`SELECT revoked_at FROM sessions WHERE token_hash = $1`, [`h-${ids.strasseClash}`]);
    expect(session.revoked_at).not.toBeNull();

    // One key, one account, whatever the spelling.
    await expect(db.ds.query(`INSERT INTO users (id, email, email_key, name, role, password_hash) VALUES ($1, 'x', 'kari.nordmann@example.no', 'U', 'ops', 'x')`, [randomUUID()])).rejects.toThrow(/users_email_key_unique/);
    // A fixture without a key: its e-mail is the key only when that is already normalised.
    const plain = randomUUID();
    await db.ds.query(`INSERT INTO users (id, email, name, role, password_hash) VALUES ($1, 'plain-fixture@x.test', 'U', 'ops', 'x')`, [plain]);
    expect((await db.ds.query(`SELECT email_key FROM users WHERE id = $1`, [plain]))[0].email_key).toBe('plain-fixture@x.test');
    await expect(db.ds.query(`INSERT INTO users (id, email, name, role, password_hash) VALUES ($1, 'Mixed@X.test', 'U', 'ops', 'x')`, [randomUUID()])).rejects.toThrow(/email_key is required/);

    await undoEmailKey();
    expect((await db.ds.query(`SELECT count(*)::int AS n FROM users WHERE id = ANY($1)`, [Object.values(ids)]))[0].n).toBe(3);
    await db.ds.runMigrations({ transaction: 'each' });
  });
});

describe('migration: churned customers (risk and health order)', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;

  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const undoChurned = async () => {
    const applied = async () => (await db.ds.query(`SELECT 1 FROM migrations WHERE name = 'ChurnedCustomers1766500000000'`)).length > 0;
    while (await applied()) await db.ds.undoLastMigration({ transaction: 'each' });
  };

  it('given health rows and outcomes logged before, when migrated, then churned_at is the latest outcome when it is a churn, and those customers sort after the live ones', async () => {
    await undoChurned();
    const ids = { left: randomUUID(), back: randomUUID(), never: randomUUID(), lateRecorded: randomUUID(), oddTime: randomUUID() };
    for (const [name, id] of Object.entries(ids)) {
      await db.ds.query(
        `INSERT INTO customer_health (customer_id, name, score, band, trend30d, churn_probability, churn_level, drivers, churn_drivers, events_considered, evaluated_at, stream_version)
         VALUES ($1, $2, $3, 'red', 0, $4, 'high', '[]', '[]', 1, now(), 1)`,
        [id, name, name === 'never' ? 40 : 3, name === 'never' ? 0.4 : 0.99],
      );
    }
    let version = 0;
    const outcome = (customerId: string, outcome: string, occurredAt: string) =>
      db.ds.query(`INSERT INTO events (event_id, stream_id, stream_version, type, data) VALUES ($1, $2, $3, 'OutcomeRecorded', $4)`, [
        randomUUID(),
        `customer-${customerId}`,
        ++version,
        JSON.stringify({ customerId, outcomeId: randomUUID(), outcome, occurredAt }),
      ]);
    await outcome(ids.left, 'renewed', '2026-01-01T00:00:00.000Z');
    await outcome(ids.left, 'churned', '2026-06-01T00:00:00.000Z');
    await outcome(ids.back, 'churned', '2026-03-01T00:00:00.000Z');
    await outcome(ids.back, 'renewed', '2026-09-01T00:00:00.000Z');
    // Recorded after a renewal but earlier in business time: the renewal is the latest outcome.
    await outcome(ids.lateRecorded, 'renewed', '2026-09-01T00:00:00.000Z');
    await outcome(ids.lateRecorded, 'churned', '2026-02-01T00:00:00.000Z');
    // A time Postgres cannot read is left out, and does not stop the upgrade.
    await outcome(ids.oddTime, 'churned', '2026-02-31T10:00:00Z');

    await db.ds.runMigrations({ transaction: 'each' });
    const rows = await db.ds.query(`SELECT name, churned_at, risk_order, health_order FROM customer_health ORDER BY risk_order DESC, customer_id`);
    const by = Object.fromEntries(rows.map((r: any) => [r.name, r]));
    expect(new Date(by.left.churned_at).toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect([by.back.churned_at, by.never.churned_at, by.lateRecorded.churned_at, by.oddTime.churned_at]).toEqual([null, null, null, null]);
    expect(rows[rows.length - 1].name).toBe('left');
    expect(by.left.risk_order).toBe(-1);
    expect(by.back.risk_order).toBe(0.99);
    const byHealth = await db.ds.query(`SELECT name FROM customer_health ORDER BY health_order, customer_id`);
    expect(byHealth[byHealth.length - 1].name).toBe('left');
  });
});
