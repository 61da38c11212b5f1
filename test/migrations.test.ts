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
