import { loadConfig } from './config.js';

const DB = { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:5432/closeness' };

describe('loadConfig', () => {
  it('gives the documented defaults', () => {
    const c = loadConfig(DB);
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.PORT).toBe(3000);
    expect(c.FOLLOW_UP_BATCHES).toBe(2);
  });

  it('needs DATABASE_URL in a process started on its own (npm start sets it, embedded or not)', () => {
    expect(() => loadConfig({})).toThrow(/DATABASE_URL is not set/);
  });

  it('runs the queues on Redis when REDIS_URL is set, else on PostgreSQL; QUEUE_BACKEND says so explicitly', () => {
    expect(loadConfig(DB).QUEUE_BACKEND).toBe('postgres');
    expect(loadConfig({ ...DB, REDIS_URL: 'redis://127.0.0.1:6379/3' }).QUEUE_BACKEND).toBe('redis');
    expect(loadConfig({ ...DB, REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_BACKEND: 'postgres' }).QUEUE_BACKEND).toBe('postgres');
    expect(() => loadConfig({ ...DB, QUEUE_BACKEND: 'redis' })).toThrow(/QUEUE_BACKEND=redis needs REDIS_URL or REDIS_CLUSTER_NODES/);
  });

  it('accepts a queue prefix of letters, digits, - and _, with at most one non-empty {hash tag}', () => {
    for (const ok of ['closeness', 'close_ness-2', '{closeness}', 'closeness-{eu}', '{eu}-closeness', 'a{b}c']) {
      expect(loadConfig({ ...DB, QUEUE_PREFIX: ok }).QUEUE_PREFIX).toBe(ok);
    }
    for (const bad of ['{}', 'a{}', '{a}{b}', '{a', 'a}', '{{a}}', 'a:b', 'a b', 'clo*', '{a.b}', 'ü']) {
      expect(() => loadConfig({ ...DB, QUEUE_PREFIX: bad })).toThrow(/^Invalid configuration: QUEUE_PREFIX must be letters, digits, - or _, with at most one \{hash tag\}/);
    }
  });

  it('runs the queues on a Redis Cluster from REDIS_CLUSTER_NODES (host:port or redis URLs), never beside REDIS_URL', () => {
    const c = loadConfig({ ...DB, REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-2.internal:7001,rediss://u:p@redis-3:7002', QUEUE_PREFIX: '{closeness}' });
    expect(c.QUEUE_BACKEND).toBe('redis');
    expect(c.REDIS_CLUSTER_NODES).toEqual(['10.0.0.1:7000', 'redis-2.internal:7001', 'rediss://u:p@redis-3:7002']);
    expect(loadConfig({ ...DB, REDIS_CLUSTER_NODES: 'h:7000', QUEUE_PREFIX: '{c}', QUEUE_BACKEND: 'postgres' }).QUEUE_BACKEND).toBe('postgres');
    for (const bad of ['h', 'h:', 'h:99999', 'http://h:7000', 'h:7000,,h:7001', 'h:7000;h:7001']) {
      expect(() => loadConfig({ ...DB, REDIS_CLUSTER_NODES: bad, QUEUE_PREFIX: '{c}' })).toThrow(/^Invalid configuration: REDIS_CLUSTER_NODES must be host:port or redis:\/\/ URLs/);
    }
    expect(() => loadConfig({ ...DB, REDIS_CLUSTER_NODES: 'h:7000', REDIS_URL: 'redis://h:6379', QUEUE_PREFIX: '{c}' })).toThrow(/set REDIS_URL .* or REDIS_CLUSTER_NODES .*, not both/);
  });

  it('refuses a cluster with a prefix without hash tag in one line naming both settings (BullMQ would fail later with CROSSSLOT)', () => {
    expect(() => loadConfig({ ...DB, REDIS_CLUSTER_NODES: 'h:7000' })).toThrow(
      /^Invalid configuration: REDIS_CLUSTER_NODES needs a QUEUE_PREFIX with a \{hash tag\}.*QUEUE_PREFIX=\{closeness\}, not closeness$/,
    );
    expect(() => loadConfig({ ...DB, REDIS_CLUSTER_NODES: 'h:7000', QUEUE_PREFIX: 'eu-closeness' })).toThrow(/QUEUE_PREFIX=\{eu-closeness\}/);
    // On one Redis a tag is harmless and not needed; on PostgreSQL the prefix is not a key at all.
    expect(loadConfig({ ...DB, REDIS_URL: 'redis://h:6379', QUEUE_PREFIX: 'closeness' }).QUEUE_PREFIX).toBe('closeness');
    expect(loadConfig({ ...DB, REDIS_CLUSTER_NODES: 'h:7000', QUEUE_BACKEND: 'postgres' }).QUEUE_BACKEND).toBe('postgres');
  });

  it('names the bad variable in one line', () => {
    expect(() => loadConfig({ ...DB, PORT: 'abc' })).toThrow(/^Invalid configuration: PORT /);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must be a URL starting with postgres:/);
    expect(() => loadConfig({ ...DB, ADMIN_EMAIL: 'a@b.no' })).toThrow(/ADMIN_EMAIL and ADMIN_PASSWORD must be set together/);
    expect(() => loadConfig({ ...DB, FOLLOW_UP_BATCHES: '0' })).toThrow(/^Invalid configuration: FOLLOW_UP_BATCHES /);
  });

  it('bounds the bucket-lease takeover: lease plus heartbeat within 30 s, a heartbeat at most every half lease', () => {
    const c = loadConfig(DB);
    expect([c.PROJECTION_LEASE_SECONDS, c.PROJECTION_LEASE_HEARTBEAT_MS]).toEqual([15, 3000]);
    expect(loadConfig({ ...DB, PROJECTION_LEASE_SECONDS: '4', PROJECTION_LEASE_HEARTBEAT_MS: '500' }).PROJECTION_LEASE_SECONDS).toBe(4);
    expect(() => loadConfig({ ...DB, PROJECTION_LEASE_SECONDS: '4', PROJECTION_LEASE_HEARTBEAT_MS: '3000' })).toThrow(/HEARTBEAT_MS must be at most half/);
    expect(() => loadConfig({ ...DB, PROJECTION_LEASE_SECONDS: '28', PROJECTION_LEASE_HEARTBEAT_MS: '5000' })).toThrow(/within 30 s/);
    expect(() => loadConfig({ ...DB, PROJECTION_LEASE_SECONDS: '60' })).toThrow(/^Invalid configuration: PROJECTION_LEASE_SECONDS /);
  });

  it('makes cookies Secure by default in production only, and COOKIE_SECURE overrides it either way', () => {
    expect(loadConfig(DB).COOKIE_SECURE).toBe(false);
    expect(loadConfig({ ...DB, NODE_ENV: 'production' }).COOKIE_SECURE).toBe(true);
    expect(loadConfig({ ...DB, NODE_ENV: 'production', COOKIE_SECURE: 'false' }).COOKIE_SECURE).toBe(false);
    expect(loadConfig({ ...DB, NODE_ENV: 'development', COOKIE_SECURE: 'true' }).COOKIE_SECURE).toBe(true);
  });
});
