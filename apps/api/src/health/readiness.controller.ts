import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { EventStore } from '../../../../libs/event-store/src/index.js';
import { DataSource } from 'typeorm';
import { HeartbeatStore, type QueueConnection } from '../../../../libs/queues/src/index.js';
import { APP_CONFIG, Public, type AppConfig } from '../../../../libs/shared/src/index.js';
import { QUEUE_CONNECTION } from '../queue-connection.module.js';

const within = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);

@ApiTags('ops')
@Controller('health')
export class ReadinessController {
  private readonly heartbeats: HeartbeatStore;

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly store: EventStore,
    @Inject(QUEUE_CONNECTION) private readonly queues: QueueConnection,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) ds: DataSource,
  ) {
    this.heartbeats = new HeartbeatStore(queues, config.QUEUE_PREFIX, ds);
  }

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'The process is up (no dependency is checked)' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOperation({
    summary: 'Ready to serve: Postgres, the queue store (`redis`, or `queues` when they run on PostgreSQL), projection lag under PROJECTION_LAG_READY_SECONDS, and a worker completing jobs',
    description: 'The worker check reads the time a worker last completed a heartbeat job through BullMQ; older than HEARTBEAT_STALE_SECONDS is down.',
  })
  async ready(@Res({ passthrough: true }) res: Response) {
    // Terminus throws a 503 carrying the per-check details; answer it here so the global
    // problem+json filter does not replace the details an operator needs.
    try {
      return await this.check();
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(503);
      return err.getResponse();
    }
  }

  private check() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      () => this.redisCheck(),
      () => this.projectionsCheck(),
      () => this.workerCheck(),
    ]);
  }

  /** `redis` on Redis (as before); `queues` when BullMQ runs on PostgreSQL, where no Redis is used. */
  private async redisCheck() {
    if (this.queues.backend === 'postgres') {
      const indicator = this.indicators.check('queues');
      return (await this.queues.ping(2000)) ? indicator.up({ backend: 'postgres' }) : indicator.down({ backend: 'postgres', message: 'unreachable' });
    }
    const indicator = this.indicators.check('redis');
    return (await this.queues.ping(2000)) ? indicator.up() : indicator.down({ message: 'unreachable' });
  }

  private async projectionsCheck() {
    const indicator = this.indicators.check('projections');
    const limit = this.config.PROJECTION_LAG_READY_SECONDS;
    try {
      // Only the age of the oldest untaken event per projection.
      const rows = (await within(this.store.checkpointLags(), 2000)).map((r) => ({ name: r.name, status: r.status, lag: r.lagSeconds }));
      const lagging = rows.filter((r) => (r.lag ?? 0) > limit).map((r) => ({ name: r.name, lagSeconds: Math.round(r.lag ?? 0), status: r.status }));
      const maxLagSeconds = Math.round(Math.max(0, ...rows.map((r) => r.lag ?? 0)));
      return lagging.length === 0 ? indicator.up({ maxLagSeconds, limitSeconds: limit }) : indicator.down({ lagging, limitSeconds: limit });
    } catch {
      return indicator.down({ message: 'projection checkpoints unreadable' });
    }
  }

  private async workerCheck() {
    const indicator = this.indicators.check('worker');
    const limit = this.config.HEARTBEAT_STALE_SECONDS;
    try {
      const last = await within(this.heartbeats.lastCompleted(), 2000);
      if (!last) return indicator.down({ message: 'no worker has completed a heartbeat job yet' });
      const ageSeconds = Math.max(0, (Date.now() - Number(last)) / 1000);
      return ageSeconds <= limit
        ? indicator.up({ lastHeartbeatSecondsAgo: Math.round(ageSeconds) })
        : indicator.down({ message: 'no heartbeat job completed recently', lastHeartbeatSecondsAgo: Math.round(ageSeconds), limitSeconds: limit });
    } catch {
      return indicator.down({ message: 'heartbeat unreadable' });
    }
  }
}
