import type { Queryable } from './event-store.js';
import { PROJECTION_BUCKETS } from './event-store.js';

/** TypeORM answers an UPDATE … RETURNING with [rows, count]; plain pg with the rows. */
const rowsOf = (r: any): any[] => (Array.isArray(r) && Array.isArray(r[0]) ? r[0] : r);

export interface BucketLeaseOptions {
  /** A lease not renewed for this long is free for another process (default 15 s). */
  leaseSeconds?: number;
  /** How often leases are renewed and the share is looked at again (default 3 s). */
  heartbeatMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Shares the log's buckets out among the worker processes that run one runner group. Each
 * process heartbeats a member row and renews its bucket leases; its share is an even split of
 * the buckets over the live members. A process holding more than its share (another one joined)
 * releases the extra buckets; one holding fewer claims free or expired ones. A process that dies
 * stops renewing: after `leaseSeconds` its buckets are claimed on the next heartbeat of the others
 * (within leaseSeconds + heartbeatMs).
 *
 * The leases only divide the work. Exactly-once comes from the runner: it applies a bucket's
 * batch under that bucket's advisory lock and reads the bucket's checkpoint inside the same
 * transaction, so two processes that both think they hold a bucket (a long pause) cannot apply
 * one event twice.
 */
export class BucketLeases {
  private held: number[] = [];
  private validUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private readonly leaseSeconds: number;
  private readonly heartbeatMs: number;

  constructor(
    private readonly db: Queryable,
    readonly runner: string,
    readonly owner: string,
    private readonly opts: BucketLeaseOptions = {},
  ) {
    this.leaseSeconds = opts.leaseSeconds ?? 15;
    this.heartbeatMs = opts.heartbeatMs ?? 3000;
  }

  /** The buckets this process holds now (none once its leases may have run out unrenewed). */
  owned(): number[] {
    return Date.now() < this.validUntil ? this.held : [];
  }

  async start(): Promise<void> {
    await this.db.query(
      `INSERT INTO projection_bucket_leases (runner, bucket) SELECT $1, b FROM generate_series(0, ${PROJECTION_BUCKETS - 1}) b ON CONFLICT DO NOTHING`,
      [this.runner],
    );
    await this.beat();
    const loop = () => {
      this.timer = setTimeout(() => {
        this.beating = this.beat()
          .catch((err) => this.opts.onError?.(err))
          .finally(() => {
            if (this.timer) loop();
          });
      }, this.heartbeatMs);
    };
    loop();
  }

  /** Releases this process's buckets at once (a clean stop hands them over without waiting for expiry). */
  async stop(): Promise<void> {
    const t = this.timer;
    this.timer = undefined;
    clearTimeout(t);
    await this.beating;
    this.held = [];
    this.validUntil = 0;
    await this.db.query(`UPDATE projection_bucket_leases SET owner = NULL, expires_at = '-infinity' WHERE runner = $1 AND owner = $2`, [this.runner, this.owner]).catch(() => undefined);
    await this.db.query(`DELETE FROM projection_runner_members WHERE runner = $1 AND owner = $2`, [this.runner, this.owner]).catch(() => undefined);
  }

  /** One heartbeat: membership, renewal, then release or claim towards this process's share. */
  async beat(): Promise<void> {
    const started = Date.now();
    const ttl = `${this.leaseSeconds} seconds`;
    await this.db.query(
      `INSERT INTO projection_runner_members (runner, owner) VALUES ($1, $2) ON CONFLICT (runner, owner) DO UPDATE SET heartbeat_at = now()`,
      [this.runner, this.owner],
    );
    await this.db.query(`DELETE FROM projection_runner_members WHERE runner = $1 AND heartbeat_at < now() - $2::interval`, [this.runner, ttl]);
    const members: string[] = (await this.db.query(`SELECT owner FROM projection_runner_members WHERE runner = $1 ORDER BY owner`, [this.runner])).map((r: any) => r.owner);
    const i = Math.max(0, members.indexOf(this.owner));
    const n = Math.max(1, members.length);
    const share = Math.floor(PROJECTION_BUCKETS / n) + (i < PROJECTION_BUCKETS % n ? 1 : 0);
    let held: number[] = rowsOf(
      await this.db.query(`UPDATE projection_bucket_leases SET expires_at = now() + $3::interval WHERE runner = $1 AND owner = $2 RETURNING bucket`, [this.runner, this.owner, ttl]),
    ).map((r: any) => Number(r.bucket)).sort((a: number, b: number) => a - b);
    if (held.length > share) {
      const extra = held.slice(share);
      await this.db.query(`UPDATE projection_bucket_leases SET owner = NULL, expires_at = '-infinity' WHERE runner = $1 AND owner = $2 AND bucket = ANY($3::smallint[])`, [this.runner, this.owner, extra]);
      held = held.slice(0, share);
    } else if (held.length < share) {
      const claimed = rowsOf(await this.db.query(
        `UPDATE projection_bucket_leases SET owner = $2, expires_at = now() + $4::interval
         WHERE runner = $1 AND bucket IN (
           SELECT bucket FROM projection_bucket_leases WHERE runner = $1 AND (owner IS NULL OR expires_at < now())
           ORDER BY bucket LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING bucket`,
        [this.runner, this.owner, share - held.length, ttl],
      ));
      held = [...held, ...claimed.map((r: any) => Number(r.bucket))].sort((a, b) => a - b);
    }
    this.held = held;
    // Counted from before the renewal was sent: never believed longer than the database keeps it.
    this.validUntil = started + this.leaseSeconds * 1000;
  }
}

/** Who holds which bucket of a runner group (for /ops/projections and tests). */
export async function bucketLeases(db: Queryable, runner: string): Promise<{ bucket: number; owner: string | null; expiresAt: Date }[]> {
  const rows = await db.query(`SELECT bucket, owner, expires_at FROM projection_bucket_leases WHERE runner = $1 AND owner IS NOT NULL AND expires_at > now() ORDER BY bucket`, [runner]);
  return rows.map((r: any) => ({ bucket: Number(r.bucket), owner: r.owner, expiresAt: r.expires_at }));
}
