export * from './fold.js';
export * from './relational-contact.js';
