export * from './redis.js';
export * from './queues.js';
export * from './jobs.js';
export * from './queue-factory.js';
export * from './connection.js';
export * from './heartbeat-store.js';
