import { PROJECTION_REGISTRY } from './registry.js';

describe('the projection registry', () => {
  it('given every projection of the product, then each name (its checkpoint row) is there once', () => {
    const names = PROJECTION_REGISTRY.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['customer-read-models', 'customer-follow-ups', 'follow-up-relay', 'follow-ups', 'outbound-relay']));
  });
});
