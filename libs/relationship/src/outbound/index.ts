export * from './webhook-payload.js';
export * from './private-address.js';
export * from './delivery-policy.js';
