import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '../../libs/shared/src/config.js';
import { openDatabase } from '../../libs/shared/src/database/data-source.js';

/** Base URL of the Postgres server the tests use; each test file gets its own database. */
export const PG_BASE = process.env.TEST_DATABASE_BASE_URL ?? process.env.DATABASE_URL?.replace(/\/[^/]*$/, '') ?? 'postgres://postgres:postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh, migrated database for one test file; dropped by `drop()`. */
export async function freshDatabase(prefix = 'closeness_test'): Promise<{ url: string; ds: DataSource; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const url = `${PG_BASE}/${name}`;
  const ds = await openDatabase(url, 10, 'closeness-test');
  return {
    url,
    ds,
    drop: async () => {
      await ds.destroy().catch(() => undefined);
      const admin = new pg.Client({ connectionString: `${PG_BASE}/postgres` });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    },
  };
}

/** A valid configuration for a test: its own database, the shared Redis, a quiet logger. */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    PORT: '0',
    LOG_LEVEL: 'silent',
    LOG_PRETTY: 'false',
    ADMIN_EMAIL: 'admin@closeness.test',
    ADMIN_PASSWORD: 'admin-password-1',
    ...overrides,
  });
}
