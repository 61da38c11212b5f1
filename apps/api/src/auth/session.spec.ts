import { newSessionToken, sha256Hex, tokenFromRequest } from './session.js';

describe('session tokens', () => {
  it('given a new token, then it is 32 random bytes in base64url and its sha256 is 64 hex characters', () => {
    const token = newSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newSessionToken()).not.toBe(token);
    expect(sha256Hex(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('given a bearer header, then it wins over the cookie', () => {
    expect(tokenFromRequest({ headers: { authorization: 'Bearer abc' }, cookies: { closeness_session: 'cookie' } })).toBe('abc');
    expect(tokenFromRequest({ headers: { authorization: 'bearer  abc ' } })).toBe('abc');
  });

  it('given only the cookie, then the cookie is the token', () => {
    expect(tokenFromRequest({ headers: {}, cookies: { closeness_session: 'cookie' } })).toBe('cookie');
  });

  it('given a malformed or foreign Authorization header, then there is no token (no fallback to the cookie)', () => {
    expect(tokenFromRequest({ headers: { authorization: 'Basic Zm9vOmJhcg==' }, cookies: { closeness_session: 'cookie' } })).toBeNull();
    expect(tokenFromRequest({ headers: { authorization: 'Bearer a b' } })).toBeNull();
    expect(tokenFromRequest({ headers: {} })).toBeNull();
  });
});
