import { DataSource, type DataSourceOptions } from 'typeorm';
import pg from 'pg';
import { MIGRATIONS } from './migrations/index.js';

// int8 (bigint) columns come back as JS numbers: positions and counts stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export function dataSourceOptions(databaseUrl: string, poolSize = 10, name = 'closeness'): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'migrations',
    migrations: MIGRATIONS,
    entities: [],
    logging: false,
    applicationName: name,
    extra: { max: poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 },
  };
}

/** Creates the database named in the URL when it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } catch (err) {
        // Another process created it between our check and our CREATE.
        if ((err as { code?: string }).code !== '42P04' && (err as { code?: string }).code !== '23505') throw err;
      }
    }
  } finally {
    await client.end();
  }
}

const MIGRATION_LOCK = 72_615_001;

/** Applies pending migrations; an advisory lock keeps concurrent starters (api + worker) from racing. */
export async function runMigrations(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/** Ensures the database, connects and migrates: what both apps do at start-up. */
export async function openDatabase(databaseUrl: string, poolSize = 10, name = 'closeness'): Promise<DataSource> {
  // The migration lock holds one connection while the migrations use another.
  poolSize = Math.max(2, poolSize);
  await ensureDatabase(databaseUrl);
  const ds = new DataSource(dataSourceOptions(databaseUrl, poolSize, name));
  await ds.initialize();
  await runMigrations(ds);
  return ds;
}
