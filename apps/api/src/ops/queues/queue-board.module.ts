import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { QueueConnection } from '../../../../../libs/queues/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../../libs/shared/src/index.js';
import { opsCaller } from '../metrics/ops-auth.js';
import { OPS_QUEUES } from '../metrics/scrape-metrics.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

/** Job payload fields ops may see: ids and counters, never a customer's name or a suggested action. */
const SAFE_FIELDS = new Set(['eventId', 'customerId', 'subscriptionId', 'webhookId', 'taskId', 'type', 'streamVersion', 'workerId', 'raised', 'closed', 'skipped', 'bandChanged']);

export function idsOnly(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return Array.isArray(value) ? value.length : value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!SAFE_FIELDS.has(k)) continue;
    out[k] = typeof v === 'string' ? v.slice(0, 100) : Array.isArray(v) ? v.filter((x) => typeof x === 'string' && /^[0-9a-f-]{36}$/i.test(x)) : typeof v === 'object' ? undefined : v;
  }
  return out;
}

const problem = (res: Response, status: number, title: string, detail: string) =>
  res.status(status).type('application/problem+json').json({ type: `https://closeness.dev/problems/${title.toLowerCase().replace(/ /g, '-')}`, title, status, detail });

/**
 * Bull Board for every queue at /admin/queues, for ops and admin only. It is an Express router
 * outside Nest's routing, so the global guard never sees it: this middleware resolves the
 * session (bearer or the login cookie) the same way. Anonymous: 401; other roles: 404.
 */
@Module({})
export class QueueBoardModule implements OnModuleInit, OnApplicationShutdown {
  private connection: QueueConnection | undefined;
  private queues: Queue[] = [];

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // onModuleInit runs after Nest registered its routes and before its 404 handler: mounting here
  // puts the board in front of "not found".
  async onModuleInit() {
    const app = this.adapterHost.httpAdapter?.getInstance?.();
    if (!app?.use) return;
    const connection = (this.connection = await QueueConnection.open(this.config, 'api-queue-board'));
    this.queues = OPS_QUEUES.map((name) => {
      const q = connection.queue(name);
      q.on('error', () => undefined);
      return q;
    });
    // Two boards over the same queues: admin may retry, clean and pause; ops only look (every
    // adapter read-only, so Bull Board itself answers 405 to a change), and see job payloads
    // through an allowlist of id fields (payloads carry ids only; older jobs may carry more).
    // The same queues, jobs and counts on both backends; the server panel shows Redis's INFO on
    // Redis and PostgreSQL's version, uptime and connections on PostgreSQL (docs/operations.md).
    const where = connection.backend === 'redis' ? 'Redis' : 'PostgreSQL';
    const board = (readOnlyMode: boolean) => {
      const serverAdapter = new ExpressAdapter();
      serverAdapter.setBasePath(QUEUE_BOARD_PATH);
      const adapters = this.queues.map((q) => {
        const a = new BullMQAdapter(q, { readOnlyMode });
        if (readOnlyMode) {
          a.setFormatter('data', idsOnly);
          a.setFormatter('returnValue', idsOnly);
        }
        return a;
      });
      // @bull-board/express 9.10.1 and @bull-board/api 9.10.2 declare slightly different adapter types
      createBullBoard({ queues: adapters, serverAdapter: serverAdapter as any, options: { uiConfig: { boardTitle: `Closeness queues on ${where}${readOnlyMode ? ' (read-only)' : ''}` } } });
      return serverAdapter.getRouter() as (req: Request, res: Response, next: NextFunction) => void;
    };
    const adminBoard = board(false);
    const opsBoard = board(true);
    const guard = (req: Request, res: Response, next: NextFunction) => {
      opsCaller(req, this.ds, { forbiddenStatus: 404 }).then(
        (caller) => {
          res.setHeader('Cache-Control', 'no-store');
          if (caller.ok && caller.via === 'session' && caller.role === 'admin') return adminBoard(req, res, next);
          if (caller.ok) {
            // Ops reads; a change (add a job, retry, clean, pause, edit) is refused before the board sees it.
            if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 403, 'Forbidden', 'The queue dashboard is read-only for ops; an admin may retry and clean jobs.');
            return opsBoard(req, res, next);
          }
          if (caller.status === 401) {
            res.setHeader('WWW-Authenticate', 'Bearer');
            return problem(res, 401, 'Unauthorized', 'Log in as ops or admin to see the queues.');
          }
          return problem(res, 404, 'Not Found', 'No such resource.');
        },
        (err) => next(err),
      );
    };
    app.use(QUEUE_BOARD_PATH, guard);
  }

  async onApplicationShutdown() {
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
    await this.connection?.close();
  }
}
