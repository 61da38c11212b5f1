import type { DataSource } from 'typeorm';
import type { QueueConnection } from './connection.js';
import { HEARTBEAT } from './queues.js';

/**
 * Where a worker records that it completed a heartbeat job, beside the queues: two keys on
 * Redis, a row of `worker_heartbeats` when the queues run on PostgreSQL (the database the API
 * reads anyway, so readiness needs no second store).
 */
export class HeartbeatStore {
  constructor(
    private readonly connection: QueueConnection,
    private readonly prefix: string,
    private readonly ds: DataSource,
  ) {}

  async record(workerId: string, now: number): Promise<void> {
    const redis = this.connection.redis;
    if (redis) {
      // One MULTI over two keys: on a cluster the prefix's hash tag puts both in one slot (loadConfig insists on it).
      await redis.multi().set(HEARTBEAT.lastCompletedKey(this.prefix), String(now)).hset(`${this.prefix}:heartbeat:workers`, workerId, String(now)).exec();
      return;
    }
    await this.ds.query(
      `INSERT INTO worker_heartbeats (queue_prefix, worker_id, completed_at) VALUES ($1, $2, to_timestamp($3 / 1000.0))
       ON CONFLICT (queue_prefix, worker_id) DO UPDATE SET completed_at = EXCLUDED.completed_at`,
      [this.prefix, workerId, now],
    );
  }

  /** Milliseconds since the epoch of the newest completed beat of this prefix, or null. */
  async lastCompleted(): Promise<number | null> {
    const redis = this.connection.redis;
    if (redis) {
      const last = await redis.get(HEARTBEAT.lastCompletedKey(this.prefix));
      return last ? Number(last) : null;
    }
    const rows = await this.ds.query(`SELECT (extract(epoch FROM max(completed_at)) * 1000)::float8 AS at FROM worker_heartbeats WHERE queue_prefix = $1`, [this.prefix]);
    return rows[0]?.at == null ? null : Number(rows[0].at);
  }
}
