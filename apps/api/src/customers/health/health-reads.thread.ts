// The worker thread behind HealthReadService: its own small Postgres pool, the event store and
// the kept folds (HealthReads). One message in, one answer out; CPU work here never blocks the
// API's event loop.
import pg from 'pg';
import { parentPort, workerData } from 'node:worker_threads';
import { EventStore, UpcasterRegistry, type Queryable } from '../../../../../libs/event-store/src/index.js';
import { HealthReads } from '../../../../../libs/read-models/src/health-reads.js';
import { UPCASTERS } from '../../../../../libs/shared/src/database/upcasters.js';
import type { HealthReadRequest, HealthReadResponse } from './health-read.protocol.js';

const { databaseUrl, cacheEvents } = workerData as { databaseUrl: string; cacheEvents: number };
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: 'closeness-health-reads' });
pool.on('error', () => undefined); // a lost idle connection: the next query opens another
const db: Queryable = { query: async (sql: string, params?: unknown[]) => (await pool.query(sql, params as any[])).rows };
const reads = new HealthReads(db, new EventStore(db, new UpcasterRegistry(UPCASTERS)), cacheEvents);

parentPort!.on('message', async (m: HealthReadRequest | { kind: 'close' }) => {
  if (m.kind === 'close') {
    await pool.end().catch(() => undefined);
    parentPort!.close();
    return;
  }
  let answer: HealthReadResponse;
  try {
    const result =
      m.kind === 'health' ? await reads.health(m.customerId, m.atMs, m.recordedUpToMs) : m.kind === 'history' ? await reads.history(m.customerId, m.fromMs, m.toMs, m.step) : await reads.preview(m.overrides);
    answer = { id: m.id, ok: true, result };
  } catch (err) {
    answer = { id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(answer);
});
