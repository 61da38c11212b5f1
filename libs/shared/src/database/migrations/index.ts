import { EventStore1764200000000 } from './1764200000000-event-store.js';

/** Every migration, in order. Add new ones at the end; never edit an applied one. */
export const MIGRATIONS = [EventStore1764200000000];
