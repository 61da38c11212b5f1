export * from './auth.types.js';
export * from './customer-scope.js';
export * from './email.js';
