/**
 * Node flags every worker process runs with: `npm start`, `npm run start:worker` and the
 * docker-compose `worker` service (those two spell them out), and the benches. A worker keeps up
 * to READ_MODEL_CACHE_EVENTS events and their folds in its heap, and each scavenge of the young
 * generation costs more with that heap behind it; a larger semi-space makes them rarer, at the
 * price of a larger young generation per process (the figures are in BENCHMARKS.md).
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
