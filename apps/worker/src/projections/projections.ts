import type { Provider } from '@nestjs/common';
import type { Projection } from '../../../../libs/event-store/src/index.js';

export const PROJECTIONS = Symbol('PROJECTIONS');

/** Every projection the worker runs. Add new ones to `inject` and the list. */
export const projectionProviders: Provider[] = [
  {
    provide: PROJECTIONS,
    inject: [],
    useFactory: (...projections: Projection[]) => projections,
  },
];
