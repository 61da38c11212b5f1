import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { PinoLogger } from 'nestjs-pino';
import { collectDefaultMetrics } from 'prom-client';
import { APP_CONFIG, applyHttpTimeouts, type AppConfig } from '../../../../libs/shared/src/index.js';
import { metricsRegistry } from '../../../../libs/shared/src/metrics.js';

/**
 * The worker's own Prometheus registry (job durations and failures, follow-ups raised, process
 * metrics) on WORKER_METRICS_PORT (default 9464; unset in tests = off; 0 = a free port).
 * Counters live in the process that does the work, so each worker is scraped on its own.
 * With METRICS_TOKEN set, scrapes must send it (bearer or X-Metrics-Token).
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('worker-metrics');
  }

  get port(): number | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  async onApplicationBootstrap() {
    const port = this.config.WORKER_METRICS_PORT ?? (this.config.NODE_ENV === 'test' ? undefined : 9464);
    if (port === undefined) return;
    // once per process: in tests the API shares this process (and registry) with the worker
    if (!metricsRegistry.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ register: metricsRegistry });
    const token = this.config.METRICS_TOKEN;
    const host = this.config.WORKER_METRICS_HOST;
    if (!token) {
      this.logger.warn(
        { host, port },
        'worker metrics are open to anyone who reaches them: METRICS_TOKEN is not set (they listen on WORKER_METRICS_HOST, loopback by default)',
      );
    }
    const server = createServer(async (req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      if (token) {
        const header = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? req.headers['x-metrics-token'];
        const given = Buffer.from(typeof header === 'string' ? header : '');
        const want = Buffer.from(token);
        if (given.length !== want.length || !timingSafeEqual(given, want)) {
          res.writeHead(401, { 'content-type': 'text/plain' }).end('metrics token required\n');
          return;
        }
      }
      try {
        const body = await metricsRegistry.metrics();
        res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(body);
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    });
    applyHttpTimeouts(server, this.config);
    // A taken port must not stop the worker's real work: log it and go on without the endpoint.
    await new Promise<void>((resolve) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const why = err.code === 'EADDRINUSE' ? 'the port is taken (a second Closeness on this machine?)' : err.message;
        this.logger.error(
          { err: String(err), host, port },
          `worker metrics could not listen on ${host}:${port}: ${why}. The worker goes on without /metrics; set WORKER_METRICS_PORT to a free port ` +
            "(npm start's jobs worker takes the next one), or 0 for any free port",
        );
        resolve();
      });
      server.listen(port, host, () => {
        this.server = server;
        this.logger.info({ host, port: this.port }, 'worker metrics on /metrics');
        resolve();
      });
    });
  }

  async onApplicationShutdown() {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}
