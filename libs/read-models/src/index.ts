export * from './stream-cache.js';
export * from './evaluate-customer.js';
export * from './stream-ids.js';
export * from './timeline.js';
export * from './customer-health.js';
export * from './customer-read-models.js';
export * from './health-reads.js';
export * from './model-versions.js';
