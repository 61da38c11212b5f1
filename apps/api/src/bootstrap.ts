import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { applyHttpTimeouts, jsonBodies, openApiComponents, parseByteLimit, ProblemFilter, securityHeaders, type AppConfig } from '../../../libs/shared/src/index.js';
import { AppModule } from './app.module.js';
import { RateLimiter } from './auth/rate-limit.js';
import { WEBHOOKS_PATH } from './webhooks/webhook-ingress.js';

export const API_PREFIX = 'api/v1';

// The routes that take megabytes (BODY_LIMIT): the touchpoint batch, and a single touchpoint
// with a long transcript. Webhooks are read raw by their own ingress. Every other body: JSON_BODY_LIMIT.
const LARGE_BODY_ROUTES = new Set(['/api/v1/touchpoints', '/api/v1/touchpoints/batch']);

/** Builds the HTTP app (not listening yet): used by main.ts and by the e2e tests. */
export async function createApiApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    rawBody: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // Explicit limits, so a slow sender cannot hold a connection (slowloris) for Node's 300 s default.
  applyHttpTimeouts(app.getHttpServer(), config);
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(cookieParser());
  // Rate limit, then bodies (libs/shared/src/http/body.ts): size and nesting bounded per route
  // before anything walks them. Webhooks are read raw by their ingress (webhook-ingress.ts);
  // those it passes on (CORS on) get the webhook rate policy here.
  const isWebhook = (req: { path: string }) => req.path.startsWith(WEBHOOKS_PATH);
  const limiter = app.get(RateLimiter);
  const [api, webhooks] = [limiter.middleware(), limiter.webhookMiddleware()];
  app.use((req: Parameters<typeof api>[0], res: Parameters<typeof api>[1], next: Parameters<typeof api>[2]) => (isWebhook(req) ? webhooks(req, res, next) : api(req, res, next)));
  const large = parseByteLimit(config.BODY_LIMIT);
  const small = parseByteLimit(config.JSON_BODY_LIMIT);
  app.use(
    jsonBodies({
      limitFor: (req) => (req.method === 'POST' && LARGE_BODY_ROUTES.has(req.path) ? large : small),
      skip: isWebhook,
      jsonOnly: (req) => req.method !== 'GET' && req.method !== 'HEAD' && req.path.startsWith(`/${API_PREFIX}/`),
    }),
  );
  if (config.CORS_ORIGINS) app.enableCors({ origin: config.CORS_ORIGINS.split(',').map((s) => s.trim()), credentials: true });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics', 'docs', 'docs-json', 'admin/queues', 'admin/queues/{*path}', '/', 'app', 'app/{*path}'] });
  app.useGlobalFilters(new ProblemFilter());
  // Signals are handled by main.ts (closeGracefully): requests in flight finish before the pool closes.

  const doc = new DocumentBuilder()
    .setTitle('Closeness API')
    .setDescription('Event-sourced customer relationship health: touchpoints in, health, churn risk and follow-ups out.')
    .setVersion('1')
    .addBearerAuth()
    .addCookieAuth('closeness_session')
    .build();
  // Request bodies are described by their zod schemas (the validators themselves): components.schemas.
  const document = () => {
    const d = SwaggerModule.createDocument(app, doc);
    d.components = { ...d.components, schemas: { ...d.components?.schemas, ...(openApiComponents() as object) } };
    return d;
  };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await app.init();
  // Paths outside every route and outside the global prefix would otherwise get Express's HTML 404.
  app.getHttpAdapter().getInstance().use((req: { method: string; path: string }, res: { headersSent: boolean; status(n: number): { type(t: string): { send(b: string): void } } }) => {
    if (res.headersSent) return;
    res.status(404).type('application/problem+json').send(
      JSON.stringify({ type: 'https://closeness.dev/problems/not-found', title: 'Not Found', status: 404, detail: `Cannot ${req.method} ${req.path}` }),
    );
  });
  return app;
}
