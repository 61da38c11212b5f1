import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from './config.js';

/** Paths never written to logs: credentials, signatures and anything a customer said. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["set-cookie"]',
  'req.headers["webhook-signature"]',
  'req.headers["x-zendesk-webhook-signature"]',
  'req.headers["x-hub-signature"]',
  'req.headers["x-hubspot-signature-v3"]',
  'req.headers["x-metrics-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.transcript',
  '*.summary',
  '*.body',
];

export function pinoOptions(config: AppConfig, name: string) {
  const pretty = config.LOG_PRETTY ?? (process.stdout.isTTY && config.NODE_ENV !== 'production');
  return {
    name,
    level: config.LOG_LEVEL,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    transport: pretty ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } : undefined,
  };
}

const REQUEST_ID = /^[\w.-]{1,100}$/;

/** The request's id: a sane incoming x-request-id, else a new one; echoed in the response header. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

export function httpLoggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      ...pinoOptions(config, 'api'),
      genReqId: requestId,
      // Only method, route and status: query strings may carry personal data.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/health/live' || req.url === '/health/ready' || req.url === '/metrics' },
    },
  };
}
