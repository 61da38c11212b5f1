export * from './fold.js';
export * from './relational-contact.js';
export * from './silence.js';
