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
    expect(() => loadConfig({ ...DB, QUEUE_BACKEND: 'redis' })).toThrow(/QUEUE_BACKEND=redis needs REDIS_URL/);
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
