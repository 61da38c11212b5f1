import { sentences, wordCount } from './text.js';

// The text heuristics behind the transcript signals, in English and Norwegian bokmål.

describe('text heuristics', () => {
  it('splits sentences on end punctuation and on line breaks, keeping the question mark', () => {
    expect(sentences('Thanks for your email\nWhat happened?  I see. OK!')).toEqual(['thanks for your email', 'what happened?', 'i see.', 'ok!']);
    expect(sentences('   ')).toEqual([]);
  });

  it('counts words with Norwegian letters, apostrophes and hyphens', () => {
    expect(wordCount("Jeg forstår, det er leit å høre. I'm sorry — e-posten kom ikke.")).toBe(12);
  });
});
