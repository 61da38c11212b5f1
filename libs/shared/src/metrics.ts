import { Counter, Histogram, register } from 'prom-client';

/**
 * Metrics written from the code paths that do the work. Each process (api, worker) has its
 * own registry content; gauges read at scrape time (queue depth, projection lag) live with the
 * /metrics endpoint.
 */
export const metrics = {
  eventsAppended: new Counter({ name: 'closeness_events_appended_total', help: 'Events appended to the event store, by type', labelNames: ['type'] as const }),
  webhookDeliveries: new Counter({
    name: 'closeness_webhook_deliveries_total',
    help: 'Inbound webhook deliveries by source format and outcome (accepted, duplicate, rejected_signature, dead_letter, invalid)',
    labelNames: ['format', 'outcome'] as const,
  }),
  touchpointsIngested: new Counter({ name: 'closeness_touchpoints_ingested_total', help: 'Touchpoints accepted, by route and whether they were duplicates', labelNames: ['route', 'duplicate'] as const }),
  followUpsRaised: new Counter({ name: 'closeness_follow_ups_raised_total', help: 'Follow-up tasks raised by the worker, by rule', labelNames: ['rule'] as const }),
  jobDuration: new Histogram({
    name: 'closeness_job_duration_seconds',
    help: 'Queue job processing time, by queue and outcome',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  jobFailures: new Counter({ name: 'closeness_job_failures_total', help: 'Queue job attempts that failed, by queue and whether it was final', labelNames: ['queue', 'final'] as const }),
  eventsParked: new Counter({
    name: 'closeness_projection_events_parked_total',
    help: 'Events a projection parked (kind=failed: it could not apply them; kind=held: later events of the same stream, waiting behind one)',
    labelNames: ['projection', 'kind'] as const,
  }),
  outboundDeliveries: new Counter({ name: 'closeness_outbound_deliveries_total', help: 'Outbound webhook delivery attempts by outcome', labelNames: ['outcome'] as const }),
};

/** A projection runner's `onParked` hook: counts what it parked. */
export const countParked = (projection: string, failed: number, held: number) => {
  if (failed > 0) metrics.eventsParked.inc({ projection, kind: 'failed' }, failed);
  if (held > 0) metrics.eventsParked.inc({ projection, kind: 'held' }, held);
};

export { register as metricsRegistry };
