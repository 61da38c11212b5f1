export * from './errors.js';
export * from './touchpoint.js';
export * from './events.js';
