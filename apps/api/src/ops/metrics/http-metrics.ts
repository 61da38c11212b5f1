import type { NextFunction, Request, Response } from 'express';
import { Histogram, type Registry } from 'prom-client';

/** HTTP request duration by method, route pattern (never the raw URL: ids would explode the series) and status. */
export function httpDurationHistogram(registry: Registry) {
  return new Histogram({
    name: 'closeness_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
}

/** Express middleware: times every request; the route is known once routing has run (on finish). */
export function httpMetricsMiddleware(histogram: Histogram<'method' | 'route' | 'status'>) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = histogram.startTimer();
    res.once('finish', () => {
      const routePath = (req as Request & { route?: { path?: string } }).route?.path;
      const route = routePath ? `${req.baseUrl ?? ''}${routePath}` : req.originalUrl.startsWith('/admin/queues') ? '/admin/queues' : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
