export * from './customer.decider.js';
