import { family, LEX } from './lexicon.js';
import { normalise, sentences, wordCount } from './text.js';

// The text heuristics behind the transcript signals, in English and Norwegian bokmål.

describe('text heuristics', () => {
  it('splits sentences on end punctuation and on line breaks, keeping the question mark', () => {
    expect(sentences('Thanks for your email\nWhat happened?  I see. OK!')).toEqual(['thanks for your email', 'what happened?', 'i see.', 'ok!']);
    expect(sentences('   ')).toEqual([]);
  });

  it('counts words with Norwegian letters, apostrophes and hyphens', () => {
    expect(wordCount("Jeg forstår, det er leit å høre. I'm sorry — e-posten kom ikke.")).toBe(12);
  });

  it('normalises every run of whitespace to one space, whatever it is made of', () => {
    expect(normalise('  Hei\u00a0 Kari,\r\n\tdet  er ’leit’ .  ')).toBe("hei kari, det er 'leit' .");
    expect(normalise('one two')).toBe('one two');
    expect(normalise('\u3000\u2028')).toBe('');
  });
});

describe('phrase families', () => {
  it('match whole words only', () => {
    const f = family(['call you', 'ringe deg']);
    expect(f.test('i will call you tomorrow')).toBe(true);
    expect(f.test('i will recall your order')).toBe(false);
    expect(f.test('jeg skal ringe deg')).toBe(true);
    expect(f.test('jeg skal ringe degen')).toBe(false);
  });

  it('give the same answer for a text tested again, a long text, and after they start over', () => {
    const f = family(['please allow']);
    const re = new RegExp(f.source, 'u');
    const texts = ['please allow 3-5 business days.', 'we will allow it.', `${'word '.repeat(100)}please allow a week.`];
    for (let round = 0; round < 3; round++) for (const t of texts) expect(f.test(t)).toBe(re.test(t));
    // Far past what a family keeps: the answers start over and stay right.
    for (let i = 0; i < 2_000; i++) expect(f.test(`please allow ${i} days`)).toBe(true);
    for (const t of texts) expect(f.test(t)).toBe(re.test(t));
  });

  it('find where a phrase starts, for the features that look around it', () => {
    expect(LEX.openStarter.exec('so what happened next?')?.index).toBe(3);
    expect(LEX.openStarter.exec('nothing here')).toBeNull();
  });
});
