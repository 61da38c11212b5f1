import type { Projection } from '../../../../libs/event-store/src/index.js';
import type { FailFastQueue } from '../../../../libs/queues/src/index.js';
import { CustomerReadModelsProjection, FollowUpSummaryProjection, type StreamCache } from '../../../../libs/read-models/src/index.js';
import type { AppConfig } from '../../../../libs/shared/src/index.js';
import { OutboundRelayProjection } from '../outbound/outbound-relay.projection.js';
import { FollowUpRelayProjection } from '../relay/follow-up-relay.projection.js';
import { FollowUpsProjection } from './follow-ups.projection.js';

/**
 * Which projection runner a projection rides: the customer read models (heavy batches), the
 * follow-up pipeline (the relay to BullMQ and `follow_ups`), outbound webhooks. Each runner backs
 * off on its own, so a Redis outage or a slow receiver stalls none of the others.
 */
export type RunnerGroup = 'read-models' | 'follow-ups' | 'outbound';

/** What the projections of one runner need; each runner's module supplies its part. */
export interface ProjectionDeps {
  cache?: StreamCache;
  followUpsQueue?: FailFastQueue;
  deliveriesQueue?: FailFastQueue;
  config?: AppConfig;
}

interface Entry {
  name: string;
  group: RunnerGroup;
  /** Rebuilt by `npm run projection:rebuild` in that process (else the running worker replays it). */
  rebuildInProcess: boolean;
  create(deps: ProjectionDeps): Projection;
}

const need = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`projection registry: ${what} is missing`);
  return value;
};

/** Every projection of the product, once. A name here is its checkpoint row. */
export const PROJECTION_REGISTRY: readonly Entry[] = [
  { name: 'customer-read-models', group: 'read-models', rebuildInProcess: true, create: (d) => new CustomerReadModelsProjection(need(d.cache, 'the stream cache')) },
  { name: 'customer-follow-ups', group: 'read-models', rebuildInProcess: true, create: () => new FollowUpSummaryProjection() },
  { name: 'follow-up-relay', group: 'follow-ups', rebuildInProcess: false, create: (d) => new FollowUpRelayProjection(need(d.followUpsQueue, 'the follow-ups queue')) },
  { name: 'follow-ups', group: 'follow-ups', rebuildInProcess: false, create: () => new FollowUpsProjection() },
  {
    name: 'outbound-relay',
    group: 'outbound',
    rebuildInProcess: false,
    create: (d) => {
      const config = need(d.config, 'the configuration');
      return new OutboundRelayProjection(need(d.deliveriesQueue, 'the deliveries queue'), () => ({ attempts: config.OUTBOUND_MAX_ATTEMPTS }));
    },
  },
];

/** The projections of one runner, built; fails when one is registered under another name than its own. */
export function projectionsOf(group: RunnerGroup, deps: ProjectionDeps, filter: (name: string) => boolean = () => true): Projection[] {
  return PROJECTION_REGISTRY.filter((e) => e.group === group && filter(e.name)).map((e) => {
    const p = e.create(deps);
    if (p.name !== e.name) throw new Error(`projection registry: ${e.name} builds a projection named ${p.name}`);
    return p;
  });
}
