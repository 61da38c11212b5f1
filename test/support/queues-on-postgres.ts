// The `queues-postgres` Jest project: the queue-touching integration tests again, with every
// queue on BullMQ's PostgreSQL backend whatever REDIS_URL says (test/support/env.ts reads it).
process.env.QUEUE_BACKEND = 'postgres';
process.env.CLOSENESS_QUEUES_RERUN = '1';
