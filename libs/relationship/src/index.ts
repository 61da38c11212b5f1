export * from './errors.js';
export * from './touchpoint.js';
export * from './events.js';
export * from './customer/index.js';
export * from './follow-ups/index.js';
export * from './health/index.js';
export * from './scoring/index.js';
export * from './history/index.js';
