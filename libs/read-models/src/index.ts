export * from './stream-cache.js';
export * from './evaluate.js';
export * from './timeline.js';
export * from './customer-health.js';
export * from './customer-read-models.js';
export * from './scoring-model.js';
