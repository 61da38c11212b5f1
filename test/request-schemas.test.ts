import { jest } from '@jest/globals';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApiApp } from '../apps/api/src/bootstrap.js';
import { TouchpointBatchBody, TouchpointBody } from '../apps/api/src/touchpoints/touchpoint.schema.js';
import { CHANNELS } from '../libs/relationship/src/index.js';
import { ZodPipe } from '../libs/shared/src/index.js';
import { freshDatabase, testConfig } from './support/env.js';

jest.setTimeout(120_000);

/**
 * Issue #20: one validator per request body. Every body and query a handler reads goes through a
 * zod schema (ZodPipe), and the OpenAPI document's description of it is generated from that
 * same schema, so the two cannot drift apart.
 */
describe('request schemas: one validator per body, and the OpenAPI document from it', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let app: NestExpressApplication;
  let doc: any;

  beforeAll(async () => {
    db = await freshDatabase();
    app = await createApiApp(testConfig(db.url));
    await app.init();
    doc = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const resolve = (schema: any): any => (schema?.$ref ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema);

  it('every @Body() and @Query() a handler takes is validated by a zod schema', () => {
    const unvalidated: string[] = [];
    let seen = 0;
    for (const wrapper of app.get(DiscoveryService).getControllers()) {
      const type = wrapper.metatype as any;
      if (!type?.prototype) continue;
      for (const name of app.get(MetadataScanner).getAllMethodNames(type.prototype)) {
        const args: Record<string, { index: number; data?: unknown; pipes: unknown[] }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, type, name) ?? {};
        for (const [key, arg] of Object.entries(args)) {
          const kind = Number(key.split(':')[0]);
          if (kind !== RouteParamtypes.BODY && kind !== RouteParamtypes.QUERY) continue;
          seen++;
          if (!arg.pipes.some((p) => p instanceof ZodPipe)) unvalidated.push(`${type.name}.${name} (${kind === RouteParamtypes.BODY ? 'body' : 'query'})`);
        }
      }
    }
    expect(unvalidated).toEqual([]);
    expect(seen).toBeGreaterThan(20);
  });

  it('every write route that takes a body documents it with a named schema from the validator', () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (!['post', 'put', 'patch'].includes(method)) continue;
        const schema = op.requestBody?.content?.['application/json']?.schema;
        // Routes without a body: logout, rebuild, retry, running the scheduled checks, webhooks (signed raw bytes, each vendor its own shape).
        if (!schema) {
          if (!/logout|rebuild|retry|scheduled-checks\/run|webhooks/.test(path)) missing.push(`${method.toUpperCase()} ${path}`);
          continue;
        }
        if (!resolve(schema)?.properties) missing.push(`${method.toUpperCase()} ${path} → ${JSON.stringify(schema)}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the touchpoint body in the document is the validator’s: fields, required ones, enums and bounds', () => {
    const body = resolve(doc.paths['/api/v1/touchpoints'].post.requestBody.content['application/json'].schema);
    expect(Object.keys(body.properties).sort()).toEqual(Object.keys(TouchpointBody.shape).sort());
    expect(body.required.sort()).toEqual(['channel', 'direction', 'handledBy', 'initiatedBy', 'occurredAt']);
    expect(body.additionalProperties).toBe(false);
    const channel = resolve(body.properties.channel);
    expect(channel.enum).toEqual([...CHANNELS]);
    expect(resolve(body.properties.occurredAt)).toMatchObject({ type: 'string', format: 'date-time' });
    const summary = resolve(body.properties.summary);
    expect(JSON.stringify(summary)).toMatch(/"maxLength":10000/);
    const batch = resolve(doc.paths['/api/v1/touchpoints/batch'].post.requestBody.content['application/json'].schema);
    expect(Object.keys(batch.properties)).toEqual(Object.keys(TouchpointBatchBody.shape));
    expect(batch.properties.touchpoints).toMatchObject({ type: 'array', minItems: 1, maxItems: 1000, items: { $ref: '#/components/schemas/Touchpoint' } });
  });

  it('query parameters are documented from their schemas too', () => {
    const params = (doc.paths['/api/v1/customers'].get.parameters as { name: string; in: string }[]).filter((p) => p.in === 'query').map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(['band', 'sort', 'limit', 'cursor']));
    const timeline = (doc.paths['/api/v1/customers/{id}/timeline'].get.parameters as { name: string; in: string }[]).filter((p) => p.in === 'query').map((p) => p.name);
    expect(timeline).toEqual(expect.arrayContaining(['limit', 'before']));
  });
});
