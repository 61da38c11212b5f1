export * from './rules.js';
export * from './evaluate.js';
export * from './task.js';
