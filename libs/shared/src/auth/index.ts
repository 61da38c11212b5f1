export * from './auth.types.js';
export * from './customer-scope.js';
