import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApiApp } from '../apps/api/src/bootstrap.js';
import { freshDatabase, testConfig } from './support/env.js';

describe('api app', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let app: NestExpressApplication;

  beforeAll(async () => {
    db = await freshDatabase();
    app = await createApiApp(testConfig(db.url));
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('answers /health/live without auth, and /health/ready reports its checks (no worker runs here)', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
    const ready = await request(app.getHttpServer()).get('/health/ready');
    expect([200, 503]).toContain(ready.status);
    expect(JSON.stringify(ready.body)).toContain('database');
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await request(app.getHttpServer()).post('/api/v1/anything').set('content-type', 'application/json').send('{bad');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('answers an unknown path outside /api/v1 with a 404 problem, not an HTML page', async () => {
    const res = await request(app.getHttpServer()).get('/package.json');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
  });
});
