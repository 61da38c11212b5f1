export * from './redis.js';
export * from './queues.js';
export * from './jobs.js';
export * from './queue-factory.js';
