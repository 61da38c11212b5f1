import type { Provider } from '@nestjs/common';
import type { Projection } from '../../../../libs/event-store/src/index.js';
import { customerReadModelProjections, customerReadModelProviders } from './customer-read-models.projection.js';

export const PROJECTIONS = Symbol('PROJECTIONS');

/** Every projection the worker runs. Add new ones to `inject` and the list. */
export const projectionProviders: Provider[] = [
  ...customerReadModelProviders,
  {
    provide: PROJECTIONS,
    inject: [...customerReadModelProjections],
    useFactory: (...projections: Projection[]) => projections,
  },
];
