export * from './rules.js';
export * from './checks.js';
export * from './decision.js';
export * from './task.js';
