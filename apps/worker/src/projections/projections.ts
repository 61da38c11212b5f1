import type { Provider } from '@nestjs/common';
import type { Projection } from '../../../../libs/event-store/src/index.js';
import type { StreamCache } from '../../../../libs/read-models/src/index.js';
import { customerReadModelProviders, STREAM_CACHE } from './customer-read-models.projection.js';
import { projectionsOf } from './registry.js';

export const PROJECTIONS = Symbol('PROJECTIONS');

/** The read-model runner's projections, from the registry (registry.ts). */
export const projectionProviders: Provider[] = [
  ...customerReadModelProviders,
  {
    provide: PROJECTIONS,
    inject: [STREAM_CACHE],
    useFactory: (cache: StreamCache): Projection[] => projectionsOf('read-models', { cache }),
  },
];
