import { hashPassword, verifyPassword } from './password.js';

describe('password hashing (scrypt)', () => {
  it('given a hash, when the same password is checked, then it matches; another password does not', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapl', hash)).resolves.toBe(false);
  });

  it('given the same password twice, when hashed, then the salts (and hashes) differ', async () => {
    const [a, b] = await Promise.all([hashPassword('same-password'), hashPassword('same-password')]);
    expect(a).not.toBe(b);
  });

  it('given a malformed stored hash, when checked, then it is simply no match', async () => {
    for (const stored of ['', 'plain', 'scrypt$x$8$1$c2FsdA$aGFzaA', 'bcrypt$1$2$3$4$5', 'scrypt$16384$8$1$c2FsdA$c2hvcnQ']) {
      await expect(verifyPassword('anything', stored)).resolves.toBe(false);
    }
  });

  it('given parameters stored with the hash, when they differ from today’s, then the old hash still verifies', async () => {
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('old-password', salt, 32, { N: 16384, r: 8, p: 1 });
    const stored = ['scrypt', 16384, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    await expect(verifyPassword('old-password', stored)).resolves.toBe(true);
  });
});
