import type { Provider } from '@nestjs/common';
import { EventStore } from '../../../../libs/event-store/src/index.js';
import { CustomerHealthProjection, FollowUpSummaryProjection, StreamCache, TimelineProjection } from '../../../../libs/read-models/src/index.js';

/** One in-memory copy of customer streams, shared by the timeline and health projections. */
export const STREAM_CACHE = Symbol('STREAM_CACHE');

/** The customer read models: timeline, health/churn portfolio rows, follow-up summary. */
export const customerReadModelProviders: Provider[] = [
  { provide: STREAM_CACHE, inject: [EventStore], useFactory: (store: EventStore) => new StreamCache(store.upcasters) },
  { provide: TimelineProjection, inject: [STREAM_CACHE], useFactory: (cache: StreamCache) => new TimelineProjection(cache) },
  { provide: CustomerHealthProjection, inject: [STREAM_CACHE], useFactory: (cache: StreamCache) => new CustomerHealthProjection(cache) },
  { provide: FollowUpSummaryProjection, useFactory: () => new FollowUpSummaryProjection() },
];

/** Tokens of the projections above, in the order they run. */
export const customerReadModelProjections = [TimelineProjection, CustomerHealthProjection, FollowUpSummaryProjection];
