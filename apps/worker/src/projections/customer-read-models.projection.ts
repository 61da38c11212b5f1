import type { Provider } from '@nestjs/common';
import { EventStore } from '../../../../libs/event-store/src/index.js';
import { StreamCache } from '../../../../libs/read-models/src/index.js';
import { APP_CONFIG, type AppConfig } from '../../../../libs/shared/src/index.js';

/** The worker's in-memory copy of customer streams (the log is append-only: a cached prefix never goes stale). */
export const STREAM_CACHE = Symbol('STREAM_CACHE');

/** What the customer read models (timeline + health/churn portfolio rows in one fold) share. */
export const customerReadModelProviders: Provider[] = [
  {
    provide: STREAM_CACHE,
    inject: [EventStore, APP_CONFIG],
    useFactory: (store: EventStore, config: AppConfig) => new StreamCache(store, config.READ_MODEL_CACHE_EVENTS),
  },
];
