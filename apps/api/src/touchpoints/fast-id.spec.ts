import { deterministicId } from '../../../../libs/shared/src/index.js';
import { fastDeterministicId } from './fast-id.js';

describe('fastDeterministicId', () => {
  it('given any parts, then the very same id as deterministicId', () => {
    for (const parts of [['touchpoint', 'api', 'call-77'], ['customer', 'ÆØÅ-ünïcode'], ['webhook', 'src', 'wh:msg_1', '0'], ['x'], ['']]) {
      expect(fastDeterministicId(...parts)).toBe(deterministicId(...parts));
    }
  });
});
