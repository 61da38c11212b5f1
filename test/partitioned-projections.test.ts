import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { bucketLeases, BucketLeases, EventStore, PROJECTION_BUCKETS, ProjectionRunner } from '../libs/event-store/src/index.js';
import { appendRaw } from '../libs/event-store/src/testing.js';
import { CustomerReadModelsProjection, StreamCache } from '../libs/read-models/src/index.js';
import { freshDatabase } from './support/env.js';
import { eventually } from './support/eventually.js';

jest.setTimeout(180_000);

/**
 * Partitioned projections (#24) on real Postgres: buckets shared out by leases, taken over from
 * a process that stops renewing them, and read models that end equal to a from-scratch rebuild.
 * The processes here are runners in this process with leases of their own; a runner "dies" by
 * stopping dead (no release, no more heartbeats), as a SIGKILLed worker does.
 */
describe('partitioned projections', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: EventStore;

  beforeAll(async () => {
    db = await freshDatabase();
    store = new EventStore(db.ds);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const touchpoint = (customerId: string, i: number) => {
    const id = randomUUID();
    return {
      id,
      type: 'TouchpointRecorded',
      data: { id, customerId, channel: 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', occurredAt: new Date(Date.UTC(2026, 10, 1, 10, i)).toISOString(), summary: `Question ${i} about an order.` },
      metadata: { correlationId: id, actorId: 'test' },
    };
  };
  const register = (customerId: string) => {
    const id = randomUUID();
    return { id, type: 'CustomerRegistered', data: { customerId, externalId: `p-${customerId}`, name: 'Customer', annualValue: 1000, createdVia: 'api' }, metadata: { correlationId: id, actorId: 'test' } };
  };
  const snapshot = async () => ({
    timeline: await db.ds.query(`SELECT event_id, customer_id, position, stream_version, type FROM customer_timeline ORDER BY event_id`),
    health: await db.ds.query(`SELECT * FROM customer_health ORDER BY customer_id`),
  });

  it('given two processes, then each holds a share of the buckets, and the buckets of one that stops renewing move to the other within the lease bound', async () => {
    const a = new BucketLeases(db.ds, 'lease-test', 'a', { leaseSeconds: 2, heartbeatMs: 200 });
    const b = new BucketLeases(db.ds, 'lease-test', 'b', { leaseSeconds: 2, heartbeatMs: 200 });
    await a.start();
    await b.start();
    try {
      await eventually(async () => (a.owned().length === 32 && b.owned().length === 32 ? true : undefined), 20_000);
      expect(new Set([...a.owned(), ...b.owned()]).size).toBe(PROJECTION_BUCKETS);
      // a dies: no release, no more heartbeats.
      (a as any).timer = undefined;
      const died = Date.now();
      await eventually(async () => (b.owned().length === PROJECTION_BUCKETS ? true : undefined), 20_000);
      expect(Date.now() - died).toBeLessThan(30_000);
      expect((await bucketLeases(db.ds, 'lease-test')).every((l) => l.owner === 'b')).toBe(true);
    } finally {
      await b.stop();
    }
  });

  it('given two runners sharing the buckets under load and one dying half-way, then no event is skipped or applied twice and the read models equal a rebuild row for row', async () => {
    const customers = Array.from({ length: 120 }, () => randomUUID());
    for (const c of customers) await appendRaw(store, `customer-${c}`, [register(c)], 'no_stream');
    const runner = (owner: string) =>
      new ProjectionRunner(db.ds, store, [new CustomerReadModelsProjection(new StreamCache(store))], {
        pollMs: 50,
        leases: new BucketLeases(db.ds, 'read-models-test', owner, { leaseSeconds: 3, heartbeatMs: 250 }),
      });
    const one = runner('one');
    const two = runner('two');
    await one.start();
    await two.start();
    let appended = 0;
    const load = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const c = customers[(appended * 7) % customers.length];
        await appendRaw(store, `customer-${c}`, [touchpoint(c, appended++)]);
      }
    };
    await load(300);
    // "one" dies: its loop stops where it is, its leases are neither renewed nor released.
    const leases = (one as any).opts.leases as BucketLeases;
    (leases as any).timer = undefined;
    (one as any).running = false;
    one.notify();
    await (one as any).loop;
    await load(300);
    await eventually(async () => ((two as any).opts.leases.owned().length === PROJECTION_BUCKETS ? true : undefined), 30_000);
    await eventually(async () => ((await store.checkpointLags()).find((l) => l.name === 'customer-read-models')?.lagSeconds === null ? true : undefined), 60_000);
    await two.stop();
    await (one as any).listener?.end().catch(() => undefined);
    // Every touchpoint once: one timeline row each (a skipped event would be missing, a doubled one would fail the row's key).
    const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM customer_timeline WHERE type = 'TouchpointRecorded'`);
    expect(n).toBe(600);
    const live = await snapshot();
    const rebuilt = new ProjectionRunner(db.ds, store, [new CustomerReadModelsProjection(new StreamCache(store))]);
    await rebuilt.rebuild('customer-read-models');
    expect(await snapshot()).toEqual(live);
  });
});
