import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import type { Histogram, Registry } from 'prom-client';
import { randomId, requestId, securityHeaders, toProblem, type AppConfig } from '../../../../libs/shared/src/index.js';
import type { RateLimiter } from '../auth/rate-limit.js';
import { normalizeHeaders, type Delivery, type WebhookReceiver } from './webhook-receiver.js';

export const WEBHOOKS_PATH = '/api/v1/webhooks';
const ROUTE = `${WEBHOOKS_PATH}/:sourceId`;
const SOURCE_SEGMENT = /^\/([^/]+)\/?$/;

type RawRequest = Request & { rawBody?: Buffer; id?: unknown };

/** What a delivery is made of, from the request (shared by the ingress and the controller). */
export function deliveryOf(req: RawRequest): Delivery {
  const uri = `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl}`;
  let decoded = uri;
  try {
    decoded = decodeURIComponent(uri);
  } catch {}
  return {
    raw: req.rawBody ?? Buffer.alloc(0),
    headers: normalizeHeaders(req.headers),
    method: req.method,
    // HubSpot signs the URI as called; its docs also describe the decoded form.
    uris: decoded === uri ? [uri] : [uri, decoded],
    correlationId: String(req.id ?? '') || randomId(),
  };
}

interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface IngressDeps {
  receiver: WebhookReceiver;
  limiter: RateLimiter;
  config: AppConfig;
  /** The app's pino logger (set once the HTTP logger is configured). */
  logger: () => Logger | undefined;
  /** The app's metrics registry, if metrics are on. */
  registry: () => Registry | undefined;
}

/**
 * POST /api/v1/webhooks/:sourceId answered straight from Express, ahead of the generic
 * middleware chain and Nest's router. It is the hottest route (one small signed request per
 * touchpoint) and the generic chain cost about twice what the delivery itself costs. Every
 * cross-cutting behaviour of that chain that applies to this route is done here, the same way:
 * the request id (and x-request-id), the security headers, the general rate limit (authentic
 * deliveries are not counted, refused ones count against their address), the raw body
 * within BODY_LIMIT (the signature is checked on the raw bytes before parsing), problem+json
 * errors (503 with Retry-After when Postgres is down), the request log line (same fields and
 * levels as pino-http) and the HTTP duration histogram.
 * `WebhooksController` documents the route and serves it whenever this ingress passes a request
 * on: other methods, and every request when CORS_ORIGINS is set (CORS headers come from Nest).
 */
export function webhookIngress(deps: IngressDeps) {
  const headers = securityHeaders();
  const readRaw = express.raw({ type: () => true, limit: deps.config.BODY_LIMIT });
  let histogram: Histogram<'method' | 'route' | 'status'> | null | undefined;

  const finish = (req: RawRequest, res: Response, status: number, body: string, type: string, started: bigint, err?: unknown) => {
    if (status === 401) deps.limiter.count(`ip:${req.ip ?? 'unknown'}`);
    res.statusCode = status;
    res.setHeader('content-type', type);
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (histogram === undefined) histogram = (deps.registry()?.getSingleMetric('closeness_http_request_duration_seconds') as typeof histogram) ?? null;
    histogram?.observe({ method: 'POST', route: ROUTE, status: String(status) }, seconds);
    const logger = deps.logger();
    if (!logger) return;
    const line = { req: { id: req.id, method: req.method, url: req.originalUrl.split('?')[0] }, res: { statusCode: status }, responseTime: Math.round(seconds * 1000) };
    if (status >= 500) logger.error({ ...line, err }, 'request errored');
    else if (status >= 400) logger.warn(line, 'request completed');
    else logger.info(line, 'request completed');
  };

  const fail = (req: RawRequest, res: Response, started: bigint, err: unknown) => {
    const { body, headers: extra } = toProblem(err);
    for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
    finish(req, res, body.status, JSON.stringify(body), 'application/problem+json', started, body.status >= 500 ? err : undefined);
  };

  return (req: RawRequest, res: Response, next: NextFunction) => {
    const m = req.method === 'POST' && !deps.config.CORS_ORIGINS ? SOURCE_SEGMENT.exec(req.path) : null;
    if (!m) return next();
    const started = process.hrtime.bigint();
    req.id = requestId(req, res);
    headers(req, res, () => undefined);
    try {
      deps.limiter.check(`ip:${req.ip ?? 'unknown'}`);
    } catch (err) {
      return fail(req, res, started, err);
    }
    readRaw(req, res, (err?: unknown) => {
      if (err) return fail(req, res, started, err);
      if (Buffer.isBuffer(req.body)) req.rawBody = req.body;
      let sourceId = m[1];
      try {
        sourceId = decodeURIComponent(sourceId);
      } catch {}
      deps.receiver.receive(sourceId, deliveryOf(req)).then(
        (result) => finish(req, res, result.status, JSON.stringify(result.body), 'application/json; charset=utf-8', started),
        (e: unknown) => fail(req, res, started, e),
      );
    });
  };
}
