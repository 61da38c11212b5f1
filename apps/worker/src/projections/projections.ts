import type { Provider } from '@nestjs/common';
import type { Projection } from '../../../../libs/event-store/src/index.js';
import { customerReadModelProjections, customerReadModelProviders } from './customer-read-models.projection.js';
import { FollowUpsProjection } from './follow-ups.projection.js';

export const PROJECTIONS = Symbol('PROJECTIONS');

/** Every projection the worker runs. Add new ones to `inject` and the list. */
export const projectionProviders: Provider[] = [
  FollowUpsProjection,
  ...customerReadModelProviders,
  {
    provide: PROJECTIONS,
    inject: [...customerReadModelProjections, FollowUpsProjection],
    useFactory: (...projections: Projection[]) => projections,
  },
];
