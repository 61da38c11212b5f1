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
