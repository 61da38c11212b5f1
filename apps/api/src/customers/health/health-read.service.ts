import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { EventStore } from '../../../../../libs/event-store/src/index.js';
import { HealthReads, type HealthConfigPreview, type HealthRead } from '../../../../../libs/read-models/src/index.js';
import type { HealthHistoryPoint } from '../../../../../libs/relationship/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../../libs/shared/src/index.js';
import { threadEntry } from '../../../../../libs/shared/src/threads/thread-url.js';
import type { HealthReadRequest, HealthReadResponse } from './health-read.protocol.js';

type Ask = HealthReadRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>;
}

/**
 * Health now, as of, and the history curve of a customer, computed from the log without
 * blocking the API: the work runs in worker threads (HEALTH_READ_THREADS) that keep each
 * customer's fold by stream version (HealthReads), so a call reads and folds only what is new.
 * A customer always goes to the same thread (its fold is there). A thread that dies is started
 * again on the next call; its calls in flight answer 503 through the caller's error.
 */
@Injectable()
export class HealthReadService implements OnModuleDestroy {
  private readonly threads: (Thread | undefined)[];
  private local: HealthReads | undefined;
  private nextId = 1;
  private closed = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(PinoLogger) private readonly logger: PinoLogger,
  ) {
    this.threads = new Array(config.HEALTH_READ_THREADS).fill(undefined);
    this.logger.setContext('health-reads');
  }

  /** Health at `at` from the events recorded up to `recordedUpTo` (omitted: all). */
  health(customerId: string, at: Date, recordedUpTo?: Date): Promise<HealthRead> {
    return this.ask({ kind: 'health', customerId, atMs: at.getTime(), recordedUpToMs: recordedUpTo?.getTime() }) as Promise<HealthRead>;
  }

  /** The curve in business time. */
  history(customerId: string, from: Date, to: Date, step: 'day' | 'week'): Promise<HealthHistoryPoint[]> {
    return this.ask({ kind: 'history', customerId, fromMs: from.getTime(), toMs: to.getTime(), step }) as Promise<HealthHistoryPoint[]>;
  }

  /** The health-config preview (every customer's stream: seconds of CPU), off the API's event loop too. */
  preview(overrides: Record<string, unknown>): Promise<HealthConfigPreview> {
    return this.ask({ kind: 'preview', customerId: 'health-config-preview', overrides }) as Promise<HealthConfigPreview>;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.threads.map(async (t) => {
        if (!t) return;
        t.worker.postMessage({ kind: 'close' });
        await Promise.race([new Promise((r) => t.worker.once('exit', r)), new Promise((r) => setTimeout(r, 2000).unref())]);
        await t.worker.terminate().catch(() => undefined);
      }),
    );
  }

  private ask(req: Ask): Promise<unknown> {
    if (this.threads.length === 0 || this.closed) {
      this.local ??= new HealthReads(this.db, this.store, this.config.HEALTH_READ_CACHE_EVENTS);
      if (req.kind === 'preview') return this.local.preview(req.overrides);
      return req.kind === 'health' ? this.local.health(req.customerId, req.atMs, req.recordedUpToMs) : this.local.history(req.customerId, req.fromMs, req.toMs, req.step);
    }
    const thread = this.thread(slotOf(req.customerId, this.threads.length));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ ...req, id } as HealthReadRequest);
    });
  }

  private thread(slot: number): Thread {
    const have = this.threads[slot];
    if (have) return have;
    const { url, execArgv } = threadEntry(import.meta.url, './health-reads.thread.js');
    const worker = new Worker(url, { execArgv, workerData: { databaseUrl: this.config.DATABASE_URL, cacheEvents: this.config.HEALTH_READ_CACHE_EVENTS } });
    worker.unref();
    const t: Thread = { worker, pending: new Map() };
    worker.on('message', (m: HealthReadResponse) => {
      const p = t.pending.get(m.id);
      if (!p) return;
      t.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    const gone = (err: Error) => {
      if (this.threads[slot] === t) this.threads[slot] = undefined;
      for (const p of t.pending.values()) p.reject(err);
      t.pending.clear();
    };
    worker.on('error', (err) => {
      this.logger.error({ err }, 'health read thread failed; it is started again on the next call');
      gone(err);
    });
    worker.on('exit', (code) => gone(new Error(`health read thread exited (${code})`)));
    this.threads[slot] = t;
    return t;
  }
}

/** The same thread for the same customer, so its kept fold is found there. */
function slotOf(customerId: string, n: number): number {
  let h = 0;
  for (let i = 0; i < customerId.length; i++) h = (h * 31 + customerId.charCodeAt(i)) | 0;
  return Math.abs(h) % n;
}
