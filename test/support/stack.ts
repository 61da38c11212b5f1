import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { createApiApp } from '../../apps/api/src/bootstrap.js';
import { createWorker } from '../../apps/worker/src/bootstrap.js';
import { dropRedisPrefix } from '../../bench/support.js';
import type { AppConfig } from '../../libs/shared/src/config.js';
import { freshDatabase, testConfig } from './env.js';

export interface Stack {
  config: AppConfig;
  db: Awaited<ReturnType<typeof freshDatabase>>;
  api: NestExpressApplication;
  worker?: INestApplicationContext;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The real API (listening on a free port) and, unless `worker: false`, the real worker, on a
 * fresh database and a queue prefix of their own, against the shared Postgres and Redis.
 */
export async function startStack(opts: { worker?: boolean; env?: Record<string, string> } = {}): Promise<Stack> {
  const db = await freshDatabase();
  const config = testConfig(db.url, opts.env); // a queue prefix of its own, dropped by close()
  const api = await createApiApp(config);
  await api.listen(0, '127.0.0.1');
  const port = (api.getHttpServer().address() as AddressInfo).port;
  const worker = opts.worker === false ? undefined : await createWorker(config);
  return {
    config,
    db,
    api,
    worker,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await worker?.close().catch(() => undefined);
      await api.close().catch(() => undefined);
      await db.drop();
      // The shared Redis keeps nothing of this stack's queues (on PostgreSQL they went with the database).
      if (config.QUEUE_BACKEND === 'redis') await dropRedisPrefix(config, config.QUEUE_PREFIX).catch(() => undefined);
    },
  };
}

export { eventually } from './eventually.js';
