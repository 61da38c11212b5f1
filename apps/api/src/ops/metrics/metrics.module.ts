import { Inject, Module, type MiddlewareConsumer, type NestModule, type OnApplicationShutdown } from '@nestjs/common';
import { Registry, collectDefaultMetrics, type Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { QueueConnection } from '../../../../../libs/queues/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../../libs/shared/src/index.js';
import { metricsRegistry } from '../../../../../libs/shared/src/metrics.js';
import { httpDurationHistogram, httpMetricsMiddleware } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { APP_METRICS } from './metrics.tokens.js';
import { registerScrapeMetrics } from './scrape-metrics.js';

const HTTP_HISTOGRAM = Symbol('HTTP_HISTOGRAM');
const SCRAPE = Symbol('SCRAPE');

/** Process metrics once per process (the API and a worker may share one in tests). */
export function ensureDefaultMetrics() {
  if (!metricsRegistry.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ register: metricsRegistry });
}

/** GET /metrics: shared counters, process metrics, HTTP durations and gauges read at scrape time. */
@Module({
  controllers: [MetricsController],
  providers: [
    { provide: APP_METRICS, useFactory: () => new Registry() },
    { provide: HTTP_HISTOGRAM, inject: [APP_METRICS], useFactory: (registry: Registry) => httpDurationHistogram(registry) },
    {
      provide: SCRAPE,
      inject: [APP_METRICS, DataSource, APP_CONFIG],
      useFactory: async (registry: Registry, ds: DataSource, config: AppConfig) => {
        ensureDefaultMetrics();
        // Its own connection that fails fast: a scrape during a Redis outage must not queue commands forever.
        const connection = await QueueConnection.open(config, 'api-metrics', { maxRetriesPerRequest: 1 });
        const scrape = registerScrapeMetrics(registry, { ds, connection, prefix: config.QUEUE_PREFIX });
        return { close: async () => (await scrape.close(), await connection.close()) };
      },
    },
  ],
})
export class MetricsModule implements NestModule, OnApplicationShutdown {
  constructor(
    @Inject(HTTP_HISTOGRAM) private readonly histogram: Histogram<'method' | 'route' | 'status'>,
    @Inject(SCRAPE) private readonly scrape: { close(): Promise<void> },
  ) {}

  configure(consumer: MiddlewareConsumer) {
    consumer.apply(httpMetricsMiddleware(this.histogram)).forRoutes('{*splat}');
  }

  async onApplicationShutdown() {
    await this.scrape.close();
  }
}
