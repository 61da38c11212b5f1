export * from './customer.decider.js';
export * from './assignment.js';
