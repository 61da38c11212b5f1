/* global process */
// Native ESM Jest (NODE_OPTIONS=--experimental-vm-modules); ts-jest transpiles only (tsc does the type check).
const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform,
  testEnvironment: 'node',
};
const integration = {
  ...common,
  setupFiles: ['reflect-metadata'],
  setupFilesAfterEnv: ['<rootDir>/test/support/drop-prefixes.ts'],
};

/**
 * The integration tests whose work goes through BullMQ (relays, follow-up and delivery jobs,
 * scheduled checks, the dashboard, dead letters, the supervisor): with REDIS_URL set, the
 * `integration` project runs them on Redis and `queues-postgres` again on BullMQ's PostgreSQL
 * backend. Without REDIS_URL, `integration` already runs every queue on PostgreSQL.
 * Tests in those files that do no queue work are marked `itOnce`/`describeOnce`
 * (test/support/env.ts) and run in `integration` only.
 */
const QUEUE_TESTS = ['follow-ups', 'follow-ups-batch', 'outbound', 'read-models', 'hardening-ops', 'hardening-auth', 'ops', 'poison-event', 'demo'];

export default {
  // A global option: set in a project it is ignored and hooks get Jest's 5 s, which a test that
  // starts a database and the API outruns on a busy machine.
  testTimeout: 120000,
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...integration, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.ts'] },
    ...(process.env.REDIS_URL && process.env.QUEUE_BACKEND !== 'postgres'
      ? [
          {
            ...integration,
            displayName: 'queues-postgres',
            testMatch: QUEUE_TESTS.map((name) => `<rootDir>/test/${name}.test.ts`),
            setupFiles: ['reflect-metadata', '<rootDir>/test/support/queues-on-postgres.ts'],
          },
        ]
      : []),
  ],
};
