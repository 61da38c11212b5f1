import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const frameworkPackages = ['@nestjs/*', 'typeorm', 'pg', 'bullmq', 'ioredis', 'express', 'node:crypto', 'crypto', 'uuid'];

// The event store's tables (events, and the projections' checkpoints into them): only
// libs/event-store (and the migrations that create them) name them in SQL.
const EVENT_TABLE = String.raw`/\b(from|join|into|update|table|truncate)\s+(events|projection_checkpoints)\b/i`;
const eventTableSql = [
  { selector: `Literal[value=${EVENT_TABLE}]`, message: 'Only libs/event-store names the event tables: read and write through the EventStore API.' },
  { selector: `TemplateElement[value.raw=${EVENT_TABLE}]`, message: 'Only libs/event-store names the event tables: read and write through the EventStore API.' },
];
// The store's private strategies: everything writes through EventStore.handle.
const storeInternals = {
  group: ['**/event-store/src/append-many*', '**/event-store/src/group-commit*', '**/event-store/src/prepared*', '**/event-store/src/testing*'],
  message: 'Write through EventStore.handle; the statements behind it are the store’s own (tests reach them through testing.ts).',
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', 'apps/web/static/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // The pure domain: no framework, no I/O, no clock, no random ids.
    files: ['libs/relationship/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: frameworkPackages, message: 'libs/relationship is pure domain code: no framework, I/O or id generation.' },
        { group: ['**/apps/**', '**/libs/event-store/**', '**/libs/read-models/**', '**/libs/queues/**', '**/libs/shared/**'], message: 'The domain imports no other layer.' },
      ] }],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Time comes in from outside the domain (pass `now`).' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Time comes in from outside the domain (pass `now`).' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'No randomness in the domain.' },
        { selector: "CallExpression[callee.property.name='randomUUID']", message: 'Ids come in from outside the domain.' },
        { selector: "CallExpression[callee.object.name='performance'][callee.property.name='now']", message: 'Time comes in from outside the domain (pass `now`).' },
        ...eventTableSql,
      ],
    },
  },
  {
    // The domain's own code (its specs may read a run count from the environment).
    files: ['libs/relationship/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-globals': ['error',
        { name: 'process', message: 'The domain reads no environment: configuration comes in as arguments.' },
        { name: 'performance', message: 'Time comes in from outside the domain (pass `now`).' },
        { name: 'crypto', message: 'Ids come in from outside the domain (no crypto.randomUUID).' },
      ],
    },
  },
  {
    files: ['apps/api/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/worker/**', '**/worker/src/**'], message: 'Apps never import each other.' }, storeInternals] }] },
  },
  {
    files: ['apps/worker/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/api/**', '**/api/src/**'], message: 'Apps never import each other.' }, storeInternals] }] },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/relationship/**', 'libs/event-store/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/**'], message: 'Libraries never import apps.' }, storeInternals] }] },
  },
  {
    files: ['scripts/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [storeInternals] }] },
  },
  {
    // Only the event store names its tables (the migrations create them).
    files: ['apps/**/*.ts', 'libs/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['libs/event-store/**', 'libs/relationship/**', 'libs/shared/src/database/migrations/**', '**/*.spec.ts'],
    rules: { 'no-restricted-syntax': ['error', ...eventTableSql] },
  },
);
