import { jest } from '@jest/globals';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createApiApp } from '../apps/api/src/bootstrap.js';
import { ALLOW_SOURCE, IS_PUBLIC, REQUIRED_ROLES } from '../libs/shared/src/index.js';
import { freshDatabase, testConfig } from './support/env.js';

jest.setTimeout(120_000);

interface RouteInfo {
  controller: string;
  handler: string;
  method: string;
  path: string;
  isPublic: boolean;
  roles: string[] | undefined;
  allowSource: boolean;
  inDocs: boolean;
}

/**
 * Public to the guard but authenticated by the handler itself (and documented so): /metrics takes
 * METRICS_TOKEN or an ops/admin session.
 */
const SELF_AUTHENTICATED = ['GET /metrics'];

const joinPath = (...parts: string[]) => '/' + parts.flatMap((p) => p.split('/')).filter(Boolean).join('/');

/** Every route Nest registered, with its auth metadata, found by reflection over the controllers. */
function enumerateRoutes(app: NestExpressApplication): RouteInfo[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const type = wrapper.metatype as any;
    if (!type?.prototype) continue;
    const classPaths: string[] = [].concat(Reflect.getMetadata('path', type) ?? '/');
    const excludedController = Reflect.getMetadata('swagger/apiExcludeController', type)?.[0] === true;
    for (const name of scanner.getAllMethodNames(type.prototype)) {
      const handler = type.prototype[name];
      const methodPaths = Reflect.getMetadata('path', handler);
      if (methodPaths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata('method', handler) as number];
      for (const cp of classPaths) {
        for (const mp of [].concat(methodPaths)) {
          routes.push({
            controller: type.name,
            handler: name,
            method,
            path: joinPath(cp, mp),
            isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, type]) === true,
            roles: reflector.getAllAndOverride<string[]>(REQUIRED_ROLES, [handler, type]),
            allowSource: reflector.getAllAndOverride<boolean>(ALLOW_SOURCE, [handler, type]) === true,
            inDocs: !excludedController && Reflect.getMetadata('swagger/apiExcludeEndpoint', handler)?.disable !== true,
          });
        }
      }
    }
  }
  return routes;
}

describe('route guards', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let app: NestExpressApplication;
  let routes: RouteInfo[];
  let doc: any;

  beforeAll(async () => {
    db = await freshDatabase();
    app = await createApiApp(testConfig(db.url));
    await app.init();
    routes = enumerateRoutes(app);
    doc = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('finds the routes (sanity: login and users are there)', () => {
    expect(routes.length).toBeGreaterThan(3);
    expect(routes).toEqual(expect.arrayContaining([expect.objectContaining({ controller: 'AuthController', handler: 'login', isPublic: true })]));
  });

  it('every route is either @Public() or names its roles with @Roles()', () => {
    const unmarked = routes.filter((r) => !r.isPublic && !(r.roles && r.roles.length > 0)).map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`);
    expect(unmarked).toEqual([]);
  });

  it('no route is both public and role-restricted, and source tokens only reach role-checked routes', () => {
    expect(routes.filter((r) => r.isPublic && r.roles).map((r) => `${r.controller}.${r.handler}`)).toEqual([]);
    expect(routes.filter((r) => r.allowSource && (r.isPublic || !r.roles)).map((r) => `${r.controller}.${r.handler}`)).toEqual([]);
  });

  it('every protected route answers 401 problem+json without credentials', async () => {
    const open: string[] = [];
    for (const r of routes.filter((x) => !x.isPublic)) {
      const path = r.path.replace(/:[A-Za-z_]+/g, '5b0c1a8e-6f0f-4b8e-9c1e-1d2f3a4b5c6d').replace(/\{\*[^}]+\}|\*[A-Za-z_]*/g, 'x');
      const candidates = [`/api/v1${path}`, path];
      let status = 0;
      let type = '';
      for (const url of candidates) {
        const res = await (request(app.getHttpServer()) as any)[r.method.toLowerCase()](url);
        status = res.status;
        type = res.headers['content-type'] ?? '';
        if (status !== 404) break;
      }
      if (status !== 401 || !/application\/problem\+json/.test(type)) open.push(`${r.method} ${r.path} → ${status}`);
    }
    expect(open).toEqual([]);
  });

  it('self-authenticated public routes still refuse an anonymous caller', async () => {
    for (const key of SELF_AUTHENTICATED) {
      const r = routes.find((x) => `${x.method} ${x.path}` === key);
      if (!r) continue;
      const res = await (request(app.getHttpServer()) as any)[r.method.toLowerCase()](r.path);
      expect({ key, status: res.status }).toEqual({ key, status: 401 });
    }
  });

  it('the OpenAPI document marks each route’s security: none on public routes, bearer/cookie on the rest', () => {
    const operations = new Map<string, any>();
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) operations.set(`${method.toUpperCase()} ${path}`, op);
    }
    const toDocPath = (p: string) => p.replace(/:([A-Za-z_]+)/g, '{$1}');
    const wrong: string[] = [];
    const missing: string[] = [];
    let matched = 0;
    for (const r of routes.filter((x) => x.inDocs)) {
      const op = operations.get(`${r.method} /api/v1${toDocPath(r.path)}`) ?? operations.get(`${r.method} ${toDocPath(r.path)}`);
      if (!op) {
        missing.push(`${r.method} ${r.path}`);
        continue; // completeness of the document is the ops tests' concern
      }
      matched++;
      const schemes = (op.security ?? []).flatMap((s: object) => Object.keys(s));
      if (r.isPublic && schemes.length > 0 && !SELF_AUTHENTICATED.includes(`${r.method} ${r.path}`)) wrong.push(`${r.method} ${r.path}: public but documented with ${schemes.join(',')}`);
      if (!r.isPublic && !schemes.includes('bearer')) wrong.push(`${r.method} ${r.path}: protected but documented without bearer auth`);
    }
    expect(wrong).toEqual([]);
    // Not vacuous: (nearly) every documented route was found and checked.
    expect(matched).toBeGreaterThanOrEqual(5);
    expect(missing.length).toBeLessThanOrEqual(Math.floor(matched / 4));
    expect(Object.keys(doc.components.securitySchemes)).toEqual(expect.arrayContaining(['bearer', 'cookie']));
    expect(doc.components.securitySchemes.cookie).toMatchObject({ in: 'cookie', name: 'closeness_session' });
    expect(operations.get('POST /api/v1/auth/login').security).toBeUndefined();
    expect(operations.get('GET /api/v1/auth/me').security).toEqual(expect.arrayContaining([{ bearer: [] }]));
  });
});
