import { Inject, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express from 'express';
import { APP_CONFIG, type AppConfig } from '../../../../libs/shared/src/index.js';
import { TouchpointsModule } from '../touchpoints/touchpoints.module.js';
import { WebhookReceiver } from './webhook-receiver.js';
import { WebhooksController } from './webhooks.controller.js';

export const WEBHOOKS_PATH = '/api/v1/webhooks';

/** POST /webhooks/:sourceId: signed inbound deliveries; exports the receiver for dead-letter retries. */
@Module({
  imports: [TouchpointsModule],
  controllers: [WebhooksController],
  providers: [WebhookReceiver],
  exports: [WebhookReceiver],
})
export class WebhooksModule {
  constructor(@Inject(HttpAdapterHost) host: HttpAdapterHost, @Inject(APP_CONFIG) config: AppConfig) {
    // Signatures are checked on the raw bytes before any parsing: webhook bodies are read raw,
    // whatever their content type, so a forged or malformed body is a 401 and never a parse error.
    // Module constructors run inside NestFactory.create, i.e. before bootstrap registers the JSON
    // parser, which then skips these requests (body-parser leaves an already-read body alone).
    const app = host.httpAdapter?.getInstance?.() as express.Express | undefined;
    app?.use(WEBHOOKS_PATH, express.raw({ type: () => true, limit: config.BODY_LIMIT }), (req: express.Request & { rawBody?: Buffer }, _res, next) => {
      if (Buffer.isBuffer(req.body)) req.rawBody = req.body;
      next();
    });
  }
}
