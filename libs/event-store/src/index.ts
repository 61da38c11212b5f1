export * from './types.js';
export * from './upcasters.js';
export * from './event-store.js';
export * from './projection-runner.js';
export * from './append-many.js';
export * from './prepared.js';
