import { jest } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { dropRedisPrefix, freePort } from '../bench/support.js';
import { onEveryMaster, openRedis, type RedisClient } from '../libs/queues/src/index.js';
import { call, createUser, minutesAgo, touchpoint, type TestUser } from './fixtures/webhooks/helpers.js';
import { needsBinary } from './support/binaries.js';
import { eventually, startStack, type Stack } from './support/stack.js';

jest.setTimeout(180_000);

const run = promisify(execFile);

/**
 * A Redis Cluster of this test's own: three masters (no replicas) on free ports in a temporary
 * folder, never the shared Redis on 6379. Each node's cluster bus gets a free port of its own too
 * (`--cluster-port`): the default, port + 10000, may lie beyond 65535 for an ephemeral port.
 */
class OwnCluster {
  private children: ChildProcess[] = [];
  private dir = '';
  ports: number[] = [];

  async start() {
    this.dir = mkdtempSync(join(tmpdir(), 'closeness-cluster-'));
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const busPort = await freePort();
      this.ports.push(port);
      this.children.push(
        spawn(
          'redis-server',
          ['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(this.dir, `nodes-${port}.conf`),
            '--dir', this.dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
          { stdio: 'ignore' },
        ),
      );
    }
    for (const port of this.ports) await eventually(async () => (await this.cli(port, 'PING')) === 'PONG', 20_000, 100);
    await run('redis-cli', ['--cluster', 'create', ...this.ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    // Every node must see every slot served before a client is pointed at it.
    for (const port of this.ports) await eventually(async () => (await this.cli(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'), 30_000, 200);
  }

  async cli(port: number, ...args: string[]): Promise<string> {
    return (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout.trim();
  }

  get nodes() {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  async stop() {
    await Promise.all(
      this.children
        .filter((c) => c.exitCode === null && c.signalCode === null)
        .map((c) => new Promise((resolve) => (c.once('exit', resolve), c.kill('SIGKILL')))),
    );
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Every key under a prefix, by the master that holds it. */
async function keysByNode(redis: RedisClient, prefix: string): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  await onEveryMaster(redis, async (node) => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length > 0) found.set(`${node.options.host}:${node.options.port}`, keys);
  });
  return found;
}

const HAS_REDIS = needsBinary('redis-server', 'the Redis Cluster test starts a cluster of its own') && needsBinary('redis-cli', 'the Redis Cluster test creates its cluster with redis-cli --cluster create');

(HAS_REDIS ? describe : describe.skip)('queues on a Redis Cluster (three masters of its own, real API + worker + Postgres)', () => {
  const cluster = new OwnCluster();
  const tag = `t${randomBytes(4).toString('hex')}`;
  const prefix = `{${tag}}`;
  let stack: Stack | undefined;
  let redis: RedisClient;
  let admin: TestUser;
  let am: TestUser;
  let ops: TestUser;
  const api = (method: string, path: string, user: TestUser, body?: unknown) => call(stack!.baseUrl, method, path, { token: user.token, body });
  const slot = async (key: string) => Number(await redis.call('CLUSTER', 'KEYSLOT', key));

  beforeAll(async () => {
    await cluster.start();
    stack = await startStack({
      // REDIS_URL '' takes the shared Redis out of the configuration (loadConfig ignores empty values).
      env: { REDIS_URL: '', REDIS_CLUSTER_NODES: cluster.nodes, QUEUE_BACKEND: 'redis', QUEUE_PREFIX: prefix, HEARTBEAT_INTERVAL_MS: '500' },
    });
    redis = openRedis({ REDIS_CLUSTER_NODES: stack.config.REDIS_CLUSTER_NODES }, 'cluster-test');
    redis.on('error', () => undefined);
    admin = await createUser(stack.db.ds, 'admin');
    am = await createUser(stack.db.ds, 'account_manager');
    ops = await createUser(stack.db.ds, 'ops');
  }, 180_000);

  afterAll(async () => {
    await stack?.close();
    redis?.disconnect();
    await cluster.stop();
  });

  it('is configured as a cluster: the product holds an ioredis Cluster over three masters that share the 16384 slots', async () => {
    expect(stack!.config.REDIS_CLUSTER_NODES).toEqual(cluster.ports.map((p) => `127.0.0.1:${p}`));
    expect(stack!.config.REDIS_URL).toBeUndefined();
    expect(redis).toBeInstanceOf(Cluster);
    await eventually(async () => (await redis.ping()) === 'PONG');
    const masters = (redis as Cluster).nodes('master');
    expect(masters).toHaveLength(3);
    for (const port of cluster.ports) expect(await cluster.cli(port, 'CLUSTER', 'INFO')).toMatch(/cluster_slots_assigned:16384/);
  });

  it('a transactional touchpoint with a high-value customer raises a follow-up through the follow-ups queue on the cluster', async () => {
    const created = await api('POST', '/customers', admin, { externalId: `ext-${randomUUID()}`, name: 'Kari Nordmann', annualValue: 250_000, accountManagerId: am.id });
    expect(created.status).toBe(201);
    const customerId = created.body.id;
    const posted = await api('POST', '/touchpoints', admin, touchpoint({
      customerId, channel: 'chatbot', handledBy: 'automation', occurredAt: minutesAgo(5), topic: 'invoice',
      transcript: [{ speaker: 'customer', text: 'Where is my refund?' }, { speaker: 'bot', text: 'Dear customer, please see our return policy. This is an automated message.' }],
    }));
    expect(posted.status).toBe(201);

    const task = await eventually(async () => {
      const res = await api('GET', `/follow-ups?customerId=${customerId}&status=open`, am);
      return res.body?.items?.[0];
    }, 60_000);
    expect(task).toMatchObject({ customerId, rule: 'high_value_transactional', status: 'open', triggeredBy: [posted.body.eventId] });
    // The follow-up came through BullMQ on the cluster: its job is a key under the prefix.
    expect(await redis.exists(`${prefix}:follow-ups:${posted.body.eventId}`)).toBe(1);
  });

  it('the ops views read the queues on the cluster: /admin/queues lists them with counts, the server panel says cluster, /metrics and /health/ready find Redis up', async () => {
    const board = await fetch(`${stack!.baseUrl}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(board.status).toBe(200);
    const { queues } = (await board.json()) as { queues: { name: string; counts: Record<string, number> }[] };
    for (const q of ['follow-ups', 'deliveries', 'silence', 'heartbeat']) expect(queues.map((x) => x.name)).toContain(q);
    expect(queues.find((q) => q.name === 'follow-ups')!.counts.completed).toBeGreaterThanOrEqual(1);

    const stats = await fetch(`${stack!.baseUrl}/admin/queues/api/redis/stats`, { headers: { authorization: `Bearer ${admin.token}` } });
    expect(stats.status).toBe(200);
    expect(((await stats.json()) as { mode?: string }).mode).toBe('cluster');

    // closeness_metrics_source_up is written while the queue gauges collect, so a first scrape has none yet.
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${stack!.baseUrl}/metrics`, { headers: { authorization: `Bearer ${ops.token}` } })).text();
      return /closeness_metrics_source_up\{source="redis"\} \d/.test(text) && text;
    });
    expect(metrics).toMatch(/closeness_metrics_source_up\{source="redis"\} 1/);
    expect(metrics).toMatch(/closeness_queue_jobs\{queue="follow-ups",state="completed"\} [1-9]/);

    // The worker check reads the heartbeat the worker wrote on the cluster (a MULTI over two keys of one slot).
    const ready = await eventually(async () => {
      const res = await fetch(`${stack!.baseUrl}/health/ready`);
      return res.status === 200 && ((await res.json()) as any);
    }, 30_000);
    expect(ready.details.redis).toEqual({ status: 'up' });
    expect(ready.details.worker.status).toBe('up');
  });

  it('every key of every queue (and the heartbeat) hashes to the tag\'s one slot and lives on the master that serves it', async () => {
    const byNode = await keysByNode(redis, prefix);
    const keys = [...byNode.values()].flat();
    for (const q of ['follow-ups', 'heartbeat']) {
      expect(keys).toContain(`${prefix}:${q}:meta`);
      expect(keys.some((k) => k.startsWith(`${prefix}:${q}:`))).toBe(true);
    }
    expect(keys).toContain(`${prefix}:heartbeat:last-completed`);
    expect(byNode.size).toBe(1); // one master holds them all

    const tagSlot = await slot(tag);
    for (const key of keys) expect(await slot(key)).toBe(tagSlot);
    const [holder] = [...byNode.keys()];
    const slots = (await redis.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    const owner = slots.find(([from, to]) => tagSlot >= from && tagSlot <= to)!;
    expect(`${owner[2][0]}:${owner[2][1]}`).toBe(holder);

    // Why the tag is needed: without it one queue's keys scatter over slots (BullMQ's scripts would fail with CROSSSLOT).
    const untagged = new Set(await Promise.all(['wait', 'meta', 'events', 'active'].map((s) => slot(`closeness:follow-ups:${s}`))));
    expect(untagged.size).toBeGreaterThan(1);
  });

  it('dropping a prefix (the test stack\'s clean-up) scans every master: keys spread over the nodes all go', async () => {
    // No hash tag here on purpose: plain keys scatter over the masters, which one SCAN on one node would miss.
    const scattered = `d${tag}`;
    for (let i = 0; i < 30; i++) await redis.set(`${scattered}:${i}`, '1');
    expect((await keysByNode(redis, scattered)).size).toBeGreaterThan(1);
    await dropRedisPrefix({ REDIS_CLUSTER_NODES: stack!.config.REDIS_CLUSTER_NODES }, scattered);
    expect((await keysByNode(redis, scattered)).size).toBe(0);
  });
});
