import fc from 'fast-check';
import { JsonDepthScanner, jsonTooDeep, parseByteLimit } from './body.js';

const depthOf = (v: unknown): number => (Array.isArray(v) ? 1 + Math.max(0, ...v.map(depthOf)) : v && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0);

describe('JsonDepthScanner', () => {
  it('given nested arrays and objects, when scanned, then the deepest nesting is counted', () => {
    const s = new JsonDepthScanner(10);
    expect(s.feed(Buffer.from('{"a":[{"b":[1,2]},{}],"c":{}}'))).toBe(true);
    expect(s.deepest).toBe(4);
  });

  it('given brackets, quotes and backslashes inside strings, when scanned, then they do not count', () => {
    const s = new JsonDepthScanner(2);
    expect(s.feed(Buffer.from('{"k[[[":"v{{{\\"[[[\\\\","x":["]]]\\u005b"]}'))).toBe(true);
    expect(s.deepest).toBe(2);
  });

  it('given a body of nested [ far deeper than the limit, when scanned, then it stops at the first level too deep', () => {
    expect(jsonTooDeep(Buffer.from('['.repeat(100_000)), 32)).toBe(true);
    expect(jsonTooDeep(Buffer.from('['.repeat(32) + ']'.repeat(32)), 32)).toBe(false);
    expect(jsonTooDeep(Buffer.from('['.repeat(33) + ']'.repeat(33)), 32)).toBe(true);
  });

  it('given any JSON value cut into chunks anywhere, when scanned chunk by chunk, then the depth is the value’s depth', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (value, cuts) => {
        const bytes = Buffer.from(JSON.stringify(value));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const s = new JsonDepthScanner(100);
        let from = 0;
        for (const p of [...points, bytes.length]) {
          expect(s.feed(bytes.subarray(from, p))).toBe(true);
          from = p;
        }
        expect(s.deepest).toBe(depthOf(value));
      }),
      { seed: 19_2, numRuns: 300 },
    );
  });
});

describe('parseByteLimit', () => {
  it('given 64kb, 5mb and 100b, then bytes', () => {
    expect([parseByteLimit('64kb'), parseByteLimit('5mb'), parseByteLimit('100b')]).toEqual([65_536, 5 * 1_048_576, 100]);
  });
});
