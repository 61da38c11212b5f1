import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const frameworkPackages = ['@nestjs/*', 'typeorm', 'pg', 'bullmq', 'ioredis', 'express', 'node:crypto', 'crypto', 'uuid'];

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
      ],
    },
  },
  {
    files: ['apps/api/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/worker/**', '**/worker/src/**'], message: 'Apps never import each other.' }] }] },
  },
  {
    files: ['apps/worker/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/api/**', '**/api/src/**'], message: 'Apps never import each other.' }] }] },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/relationship/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/apps/**'], message: 'Libraries never import apps.' }] }] },
  },
);
