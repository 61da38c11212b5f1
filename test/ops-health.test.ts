import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createConnection } from 'node:net';
import { freePort } from '../bench/support.js';
import { needsBinary } from './support/binaries.js';
import { eventually, startStack, type Stack } from './support/stack.js';

jest.setTimeout(120_000);

/** A redis-server of this test's own on a free port: stopping it touches nobody else. */
class OwnRedis {
  private child: ChildProcess | undefined;
  port = 0;

  async start() {
    if (this.child && this.child.exitCode === null) return; // already running
    this.port ||= await freePort(); // the OS's choice, kept across restarts
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await eventually(() => this.accepting(), 10_000);
  }

  async stop() {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  private accepting(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection({ port: this.port, host: '127.0.0.1' });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
  }
}

const HAS_REDIS = needsBinary('redis-server', '/health/ready is tested against a Redis server of its own that it stops');

(HAS_REDIS ? describe : describe.skip)('/health/ready: Postgres, Redis, projection lag and a worker completing jobs', () => {
  const redis = new OwnRedis();
  let stack: Stack;

  const ready = async (baseUrl = stack.baseUrl) => {
    const res = await fetch(`${baseUrl}/health/ready`);
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    await redis.start();
    stack = await startStack({
      env: { REDIS_URL: `redis://127.0.0.1:${redis.port}`, QUEUE_BACKEND: 'redis', HEARTBEAT_INTERVAL_MS: '200', HEARTBEAT_STALE_SECONDS: '3', PROJECTION_LAG_READY_SECONDS: '600' },
    });
  }, 90_000);
  afterAll(async () => {
    await redis.start().catch(() => undefined); // closing the worker wants its Redis back
    await stack?.close();
    await redis.stop();
  }, 60_000);

  it('is healthy when everything is up, with every check named', async () => {
    const res = await eventually(async () => {
      const r = await ready();
      return r.status === 200 && r;
    });
    expect(res.body.status).toBe('ok');
    for (const check of ['database', 'redis', 'projections', 'worker']) expect(res.body.details[check].status).toBe('up');
    const live = await fetch(`${stack.baseUrl}/health/live`);
    expect(live.status).toBe(200);
  });

  it('turns unhealthy when Redis stops and healthy again when it is back', async () => {
    await redis.stop();
    const down = await eventually(async () => {
      const r = await ready();
      return r.status === 503 && r;
    });
    expect(down.body.details.redis.status).toBe('down');
    expect(down.body.details.database.status).toBe('up');
    expect((await fetch(`${stack.baseUrl}/health/live`)).status).toBe(200); // liveness is not readiness

    await redis.start(); // empty: the heartbeat resumes by itself
    const up = await eventually(async () => {
      const r = await ready();
      return r.status === 200 && r;
    }, 60_000);
    expect(up.body.details.worker.status).toBe('up');
  });

  it('turns unhealthy when no worker completes jobs although Redis answers PING, and when a projection lags', async () => {
    // an API on the shared Redis with no worker at all, and a projection far behind
    const alone = await startStack({ worker: false, env: { REDIS_URL: `redis://127.0.0.1:${redis.port}`, QUEUE_BACKEND: 'redis', PROJECTION_LAG_READY_SECONDS: '600', HEARTBEAT_STALE_SECONDS: '3' } });
    try {
      const noWorker = await ready(alone.baseUrl);
      expect(noWorker.status).toBe(503);
      expect(noWorker.body.details.redis.status).toBe('up');
      expect(noWorker.body.details.database.status).toBe('up');
      expect(noWorker.body.details.worker.status).toBe('down');
      expect(noWorker.body.details.projections.status).toBe('up');

      // a projection caught up with everything so far, then an event it has not taken, recorded long ago
      await alone.db.ds.query(
        `INSERT INTO projection_checkpoints (name, transaction_id, global_position)
         SELECT 'ops-test-projection', transaction_id, global_position FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
      );
      await alone.db.ds.query(
        `INSERT INTO events (event_id, stream_id, stream_version, type, data, recorded_at) VALUES ($1, $2, 1, 'OpsTestHappened', '{}', now() - interval '2 hours')`,
        [randomUUID(), `ops-test-${randomUUID()}`],
      );
      const lagging = await ready(alone.baseUrl);
      expect(lagging.status).toBe(503);
      expect(lagging.body.details.projections.status).toBe('down');
      expect(lagging.body.details.projections.lagging).toEqual([expect.objectContaining({ name: 'ops-test-projection' })]);
    } finally {
      await alone.close();
    }
  });
});
