import type { Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { projectionStatuses, type ProjectionStatus } from '../../../../../libs/event-store/src/index.js';
import { HEARTBEAT, HeartbeatStore, QUEUES, type QueueConnection } from '../../../../../libs/queues/src/index.js';

/** Every BullMQ queue the dashboard and the metrics show. */
export const OPS_QUEUES: string[] = [...Object.values(QUEUES), HEARTBEAT.queue];

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'] as const;

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

const tableExists = async (ds: DataSource, name: string) => (await ds.query(`SELECT to_regclass($1) IS NOT NULL AS ok`, [name]))[0].ok === true;

/**
 * Gauges read at scrape time (queue depth, oldest waiting job, projection position and lag,
 * follow-ups by rule, dead letters, worker heartbeat age). A source that cannot answer within
 * two seconds is reported by `closeness_metrics_source_up` = 0 instead of failing the scrape.
 */
export function registerScrapeMetrics(registry: Registry, deps: { ds: DataSource; connection: QueueConnection; prefix: string }) {
  const queues = new Map<string, Queue>();
  const queue = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = deps.connection.queue(name);
      q.on('error', () => undefined);
      queues.set(name, q);
    }
    return q;
  };
  const queueSource = deps.connection.backend === 'redis' ? 'redis' : 'queues';
  const heartbeats = new HeartbeatStore(deps.connection, deps.prefix, deps.ds);
  const sourceUp = new Gauge({ name: 'closeness_metrics_source_up', help: 'Whether a scrape-time source answered (postgres; redis, or queues when they run on PostgreSQL)', labelNames: ['source'] as const, registers: [registry] });

  new Gauge({
    name: 'closeness_queue_jobs',
    help: 'BullMQ jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const name of OPS_QUEUES) {
          const counts = await withTimeout(queue(name).getJobCounts(...JOB_STATES), 2000);
          for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
        }
        sourceUp.set({ source: queueSource }, 1);
      } catch {
        sourceUp.set({ source: queueSource }, 0);
      }
    },
  });

  new Gauge({
    name: 'closeness_queue_oldest_waiting_age_seconds',
    help: 'Age of the oldest job waiting to be processed, per queue (0 when none waits)',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const now = Date.now();
      try {
        for (const name of OPS_QUEUES) {
          // the wait list is pushed on one end and taken from the other: look at both ends
          const jobs = await withTimeout(Promise.all([queue(name).getWaiting(0, 0), queue(name).getWaiting(-1, -1)]), 2000);
          const stamps = jobs.flat().filter(Boolean).map((j) => j.timestamp);
          this.set({ queue: name }, stamps.length ? Math.max(0, (now - Math.min(...stamps)) / 1000) : 0);
        }
      } catch {
        // reported through closeness_metrics_source_up
      }
    },
  });

  new Gauge({
    name: 'closeness_worker_heartbeat_age_seconds',
    help: 'Seconds since a worker last completed a heartbeat job (-1 when none was ever recorded)',
    registers: [registry],
    async collect() {
      try {
        const last = await withTimeout(heartbeats.lastCompleted(), 2000);
        this.set(last ? Math.max(0, (Date.now() - last) / 1000) : -1);
      } catch {
        this.set(-1);
      }
    },
  });

  // One read of the projection statuses serves the five gauges of a scrape (the registry collects them all at once).
  let statuses: { at: number; list: Promise<ProjectionStatus[]> } | undefined;
  const projectionStatusesOnce = () => {
    if (!statuses || Date.now() - statuses.at > 1000) {
      const list = withTimeout(projectionStatuses(deps.ds), 2000);
      list.then(() => sourceUp.set({ source: 'postgres' }, 1), () => sourceUp.set({ source: 'postgres' }, 0));
      statuses = { at: Date.now(), list };
    }
    return statuses.list;
  };
  const projectionGauge = (name: string, help: string, value: (s: ProjectionStatus) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['projection'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        try {
          for (const s of await projectionStatusesOnce()) this.set({ projection: s.name }, value(s));
        } catch {
          // reported through closeness_metrics_source_up
        }
      },
    });
  projectionGauge('closeness_projection_position', 'Global position of the last event each projection has taken', (s) => s.position);
  projectionGauge('closeness_projection_lag_events', 'Events stored but not yet taken by each projection (counted up to 1,000,000)', (s) => s.lagEvents);
  projectionGauge('closeness_projection_failing', '1 when the projection last failed and is retrying', (s) => (s.status === 'failing' ? 1 : 0));
  projectionGauge(
    'closeness_projection_rebuild_failing',
    "1 while the projection's rebuild into shadow tables last failed and is retrying (the live projection and its tables are not affected)",
    (s) => (s.rebuild?.status === 'failing' ? 1 : 0),
  );
  projectionGauge(
    'closeness_projection_parked_events',
    "Events in each projection's quarantine (could not be applied, or held behind one of their stream); the projection went on past them",
    (s) => s.parked,
  );
  projectionGauge('closeness_projection_lag_seconds', 'Age of the oldest event each projection has not taken yet (0 when caught up)', (s) => s.lagSeconds);

  new Gauge({
    name: 'closeness_follow_ups',
    help: 'Follow-up tasks by rule and status (from the follow_ups read model)',
    labelNames: ['rule', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        if (!(await tableExists(deps.ds, 'follow_ups'))) return;
        for (const r of await withTimeout(deps.ds.query(`SELECT rule, status, count(*)::int AS n FROM follow_ups GROUP BY rule, status`), 2000)) {
          this.set({ rule: r.rule, status: r.status }, r.n);
        }
      } catch {
        // reported through closeness_metrics_source_up
      }
    },
  });

  new Gauge({
    name: 'closeness_dead_letters_open',
    help: 'Open dead letters: inbound webhooks (kind) and jobs that exhausted their retries (queue)',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        if (await tableExists(deps.ds, 'dead_letters')) {
          for (const r of await deps.ds.query(`SELECT kind, count(*)::int AS n FROM dead_letters WHERE status = 'open' GROUP BY kind`)) this.set({ kind: r.kind }, r.n);
        }
        if (await tableExists(deps.ds, 'job_dead_letters')) {
          for (const r of await deps.ds.query(`SELECT queue, count(*)::int AS n FROM job_dead_letters GROUP BY queue`)) this.set({ kind: `job:${r.queue}` }, r.n);
        }
      } catch {
        // reported through closeness_metrics_source_up
      }
    },
  });

  return {
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close().catch(() => undefined)));
    },
  };
}
