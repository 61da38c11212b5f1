import { DEFAULT_SCORING_CONFIG } from './config.js';
import fc from 'fast-check';
import { findPhrase, findPhraseLiteral, isOpenQuestion, isQuestion, sentences, wordCount } from './text.js';

// The text heuristics behind the transcript signals, in English and Norwegian bokmål.

const P = DEFAULT_SCORING_CONFIG.phrases;

describe('text heuristics', () => {
  it('splits sentences on end punctuation and on line breaks, keeping the question mark', () => {
    expect(sentences('Thanks for your email\nWhat happened?  I see. OK!')).toEqual(['thanks for your email', 'what happened?', 'i see.', 'ok!']);
    expect(sentences('   ')).toEqual([]);
  });

  it('counts words with Norwegian letters, apostrophes and hyphens', () => {
    expect(wordCount("Jeg forstår, det er leit å høre. I'm sorry — e-posten kom ikke.")).toBe(12);
  });

  it.each([
    ['How did that go?', true],
    ['So what happened next?', true],
    ['Kari, why does that matter to you?', true],
    ['Tell me more about the delivery.', true],
    ['Could you describe the error?', true],
    ['Hvordan opplevde du det?', true],
    ['Og hva skjedde så?', true],
    ['Fortell meg mer om det.', true],
    ['Kan du beskrive feilen?', true],
    ['Hvilke mål har dere for neste år?', true],
    ['Is there anything else?', false],
    ['Did that help?', false],
    ['Er det noe mer?', false],
    ['What is your order number?', false],
    ['Hva er ordrenummeret ditt?', false],
    ['How are you.', false],
    ['I know how it works.', false],
  ])('%s → open question: %s', (sentence, open) => {
    expect(isOpenQuestion(sentences(sentence)[0], P)).toBe(open);
  });

  it('treats the customer name as a filler before the question word', () => {
    expect(isOpenQuestion('kari how did it go?', P, ['kari'])).toBe(true);
    expect(isOpenQuestion('kari how did it go?', P)).toBe(false);
  });

  it('any question: a question mark or an open prompt', () => {
    expect(isQuestion('is it red?', P)).toBe(true);
    expect(isQuestion('tell me about it.', P)).toBe(true);
    expect(isQuestion('it is red.', P)).toBe(false);
  });

  it('matches whole words only, with * for word endings', () => {
    expect(findPhrase('Vi gir deg rabatten nå', P.promo)).toBe('rabatt');
    expect(findPhrase('We are on sale', P.promo)).toBe('sale');
    expect(findPhrase('Wholesale prices', P.promo)).toBeUndefined();
    expect(findPhrase('I’m sorry to hear that', P.acknowledgement)).toBe('sorry to hear');
    expect(findPhrase('Save 20% off today', P.promo)).toBe('% off');
    // known limitation: "til sist" (finally) also counts as a history reference
    expect(findPhrase('Til sist: takk for i dag', P.historyReference)).toBe('sist');
    expect(findPhrase('sistnevnte punkt', P.historyReference)).toBeUndefined();
  });
});

describe('findPhraseLiteral (per-customer name lists, no regex compiled)', () => {
  it('given names in text, when searched, then whole words match and parts of words do not', () => {
    expect(findPhraseLiteral('Hi Kari, good to hear from you', ['kari nordmann', 'kari'])).toBe('kari');
    expect(findPhraseLiteral('Hei KARI NORDMANN!', ['kari nordmann', 'kari'])).toBe('kari nordmann');
    expect(findPhraseLiteral('Karianne called', ['kari'])).toBeUndefined();
    expect(findPhraseLiteral('ask Åse about it', ['åse'])).toBe('åse');
    expect(findPhraseLiteral('dear 𝒜lex', ['lex'])).toBeUndefined();
  });

  it('agrees with findPhrase on any text and name (names that are not blank, as name tokens never are)', () => {
    const alphabet = fc.constantFrom('a', 'k', 'r', 'i', 'å', 'ø', ' ', ',', '-', '1', '𝒜', "'", 'K', '\n');
    const text = fc.array(alphabet, { maxLength: 30 }).map((a) => a.join(''));
    const name = fc.array(alphabet, { minLength: 1, maxLength: 6 }).map((a) => a.join('')).filter((n) => n.trim().length > 0);
    fc.assert(
      fc.property(text, fc.array(name, { minLength: 1, maxLength: 3 }), (t, names) => {
        expect(findPhraseLiteral(t, names)).toBe(findPhrase(t, names));
      }),
      { numRuns: 2000 },
    );
  });
});
