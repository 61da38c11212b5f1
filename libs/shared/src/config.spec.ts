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

  it('makes cookies Secure by default in production only, and COOKIE_SECURE overrides it either way', () => {
    expect(loadConfig(DB).COOKIE_SECURE).toBe(false);
    expect(loadConfig({ ...DB, NODE_ENV: 'production' }).COOKIE_SECURE).toBe(true);
    expect(loadConfig({ ...DB, NODE_ENV: 'production', COOKIE_SECURE: 'false' }).COOKIE_SECURE).toBe(false);
    expect(loadConfig({ ...DB, NODE_ENV: 'development', COOKIE_SECURE: 'true' }).COOKIE_SECURE).toBe(true);
  });
});
