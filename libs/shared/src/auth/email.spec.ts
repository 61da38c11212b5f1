import fc from 'fast-check';
import { normalizeEmail } from './email.js';

describe('normalizeEmail', () => {
  it('given the spellings of one address the security test used, then they are one key', () => {
    const key = normalizeEmail('iris.lindqvist@closeness.test');
    for (const spelling of ['IRIS.LINDQVIST@CLOSENESS.TEST', ' Iris.Lindqvist@Closeness.Test ', '\uff49\uff52\uff49\uff53.lindqvist@closeness.test', 'iris.lindqv\u0131st@closeness.test'.replace('\u0131', 'i')]) {
      expect(normalizeEmail(spelling)).toBe(key);
    }
  });

  it('given U+0130, then it folds as Unicode default case folding does (i + U+0307), never to a plain i', () => {
    expect(normalizeEmail('İris@x.no')).toBe('i\u0307ris@x.no');
    expect(normalizeEmail('İris@x.no')).not.toBe(normalizeEmail('iris@x.no'));
    // Composed or decomposed, the same key.
    expect(normalizeEmail('I\u0307ris@x.no')).toBe(normalizeEmail('İris@x.no'));
  });

  it('given case pairs that a plain lower-casing keeps apart, then they fold together', () => {
    expect(normalizeEmail('STRAẞE@x.de')).toBe('strasse@x.de');
    expect(normalizeEmail('straße@x.de')).toBe('strasse@x.de');
    expect(normalizeEmail('ΟΔΟΣ@x.gr')).toBe(normalizeEmail('οδοσ@x.gr'));
    expect(normalizeEmail('\u212Aari@x.no')).toBe('kari@x.no'); // Kelvin sign
    expect(normalizeEmail('KÅRE@EKSEMPEL.NO')).toBe('kåre@eksempel.no');
    expect(normalizeEmail('ka\u030Are@x.no')).toBe('kåre@x.no'); // decomposed å
  });

  it('given any single code point, then normalising twice changes nothing', () => {
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const once = normalizeEmail(String.fromCodePoint(cp));
      if (normalizeEmail(once) !== once) throw new Error(`not idempotent at U+${cp.toString(16)}`);
    }
  });

  it('given any string, then normalising twice changes nothing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => normalizeEmail(normalizeEmail(s)) === normalizeEmail(s)),
      { numRuns: 20_000 },
    );
  });
});
