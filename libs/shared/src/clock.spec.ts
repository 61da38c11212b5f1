import { v5 as uuidv5 } from 'uuid';
import { CLOSENESS_NAMESPACE, deterministicId } from './clock.js';

describe('deterministicId', () => {
  it('given any parts, then the very same id as RFC 4122 v5 (the uuid package) in the Closeness namespace', () => {
    for (const parts of [['touchpoint', 'api', 'call-77'], ['customer', 'ÆØÅ-ünïcode'], ['webhook', 'src', 'wh:msg_1', '0'], ['x'], ['']]) {
      expect(deterministicId(...parts)).toBe(uuidv5(parts.join('\u001f'), CLOSENESS_NAMESPACE));
    }
  });
});
