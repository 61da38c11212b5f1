import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { ProblemFilter, securityHeaders, strictValidationPipe, type AppConfig } from '../../../libs/shared/src/index.js';
import { AppModule } from './app.module.js';

export const API_PREFIX = 'api/v1';

/** Builds the HTTP app (not listening yet): used by main.ts and by the e2e tests. */
export async function createApiApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    rawBody: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');
  // Raw bytes are kept for webhook signature checks; JSON bodies above the limit are 413.
  app.useBodyParser('json', { limit: config.BODY_LIMIT, type: ['application/json', 'application/*+json'] });
  app.use(securityHeaders());
  app.use(cookieParser());
  if (config.CORS_ORIGINS) app.enableCors({ origin: config.CORS_ORIGINS.split(',').map((s) => s.trim()), credentials: true });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics', 'docs', 'docs-json', 'admin/queues', 'admin/queues/{*path}', '/', 'app', 'app/{*path}'] });
  app.useGlobalPipes(strictValidationPipe());
  app.useGlobalFilters(new ProblemFilter());
  // Signals are handled by main.ts (closeGracefully): requests in flight finish before the pool closes.

  const doc = new DocumentBuilder()
    .setTitle('Closeness API')
    .setDescription('Event-sourced customer relationship health: touchpoints in, health, churn risk and follow-ups out.')
    .setVersion('1')
    .addBearerAuth()
    .addCookieAuth('closeness_session')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
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
