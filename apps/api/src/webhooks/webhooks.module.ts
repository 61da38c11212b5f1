import { Inject, Module } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import express from 'express';
import { PinoLogger } from 'nestjs-pino';
import type { Registry } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '../../../../libs/shared/src/index.js';
import { AuthModule } from '../auth/auth.module.js';
import { RateLimiter } from '../auth/rate-limit.js';
import { APP_METRICS } from '../ops/metrics/metrics.tokens.js';
import { TouchpointsModule } from '../touchpoints/touchpoints.module.js';
import { webhookIngress, WEBHOOKS_PATH } from './webhook-ingress.js';
import { WebhookReceiver } from './webhook-receiver.js';
import { WebhooksController } from './webhooks.controller.js';

export { WEBHOOKS_PATH } from './webhook-ingress.js';

/** POST /webhooks/:sourceId: signed inbound deliveries; exports the receiver for dead-letter retries. */
@Module({
  imports: [TouchpointsModule, AuthModule],
  controllers: [WebhooksController],
  providers: [WebhookReceiver],
  exports: [WebhookReceiver],
})
export class WebhooksModule {
  constructor(
    @Inject(HttpAdapterHost) host: HttpAdapterHost,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(WebhookReceiver) receiver: WebhookReceiver,
    @Inject(RateLimiter) limiter: RateLimiter,
    @Inject(ModuleRef) moduleRef: ModuleRef,
  ) {
    // Module constructors run inside NestFactory.create, i.e. before bootstrap registers the
    // generic middleware: the ingress answers deliveries first (see webhook-ingress.ts).
    const app = host.httpAdapter?.getInstance?.() as express.Express | undefined;
    let registry: Registry | null | undefined;
    const ingress = webhookIngress({
      receiver,
      limiter,
      config,
      logger: () => PinoLogger.root,
      registry: () => {
        if (registry === undefined) {
          try {
            registry = moduleRef.get<Registry>(APP_METRICS, { strict: false });
          } catch {
            registry = null; // metrics are not part of this app
          }
        }
        return registry ?? undefined;
      },
    });
    // What the ingress passes on (other methods; every request when CORS is on) still has its
    // body read raw, whatever its content type, so the signature is checked on the raw bytes
    // before any parsing and a malformed body is a 401, never a parse error. The JSON parser
    // registered later skips these requests (body-parser leaves an already-read body alone).
    app?.use(WEBHOOKS_PATH, ingress, express.raw({ type: () => true, limit: config.BODY_LIMIT }), (req: express.Request & { rawBody?: Buffer }, _res, next) => {
      if (Buffer.isBuffer(req.body)) req.rawBody = req.body;
      next();
    });
  }
}
