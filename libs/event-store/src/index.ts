export * from './types.js';
export * from './errors.js';
export * from './upcasters.js';
export * from './event-store.js';
export * from './deciders.js';
export * from './projection-runner.js';
export { isAppendConflict } from './append-many.js';
export * from './bucket-leases.js';
