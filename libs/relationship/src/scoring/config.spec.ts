import { DomainError, DomainErrorCode } from '../errors.js';
import { DEFAULT_SCORING_CONFIG, scoringConfig } from './config.js';

// Scoring configuration is data: partial overrides merge onto documented defaults and bad
// values are refused with InvalidRules naming the setting.

function rejects(overrides: unknown, path: RegExp) {
  let error: unknown;
  try {
    scoringConfig(overrides);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(DomainErrorCode.InvalidRules);
  expect((error as DomainError).message).toMatch(path);
}

describe('scoringConfig', () => {
  it('given no overrides, returns the defaults', () => {
    expect(scoringConfig()).toEqual(DEFAULT_SCORING_CONFIG);
    expect(scoringConfig(null)).toEqual(DEFAULT_SCORING_CONFIG);
    expect(scoringConfig({})).toEqual(DEFAULT_SCORING_CONFIG);
  });

  it('given partial overrides, deep-merges them and keeps every other default', () => {
    const c = scoringConfig({ weights: { handling: 6 }, thresholds: { relational: 70 }, replySlaHours: { chat: 0.5 }, phrases: { promo: ['sale'] } });
    expect(c.weights.handling).toBe(6);
    expect(c.weights.survey).toBe(DEFAULT_SCORING_CONFIG.weights.survey);
    expect(c.thresholds).toEqual({ relational: 70, transactional: DEFAULT_SCORING_CONFIG.thresholds.transactional });
    expect(c.replySlaHours.chat).toBe(0.5);
    expect(c.replySlaHours.email).toBe(24);
    expect(c.phrases.promo).toEqual(['sale']);
    expect(c.phrases.acknowledgement).toEqual(DEFAULT_SCORING_CONFIG.phrases.acknowledgement);
  });

  it('does not change the defaults and returns a frozen config', () => {
    const c = scoringConfig({ weights: { dialogue: 9 } });
    expect(DEFAULT_SCORING_CONFIG.weights.dialogue).toBe(2);
    expect(Object.isFrozen(c.weights)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SCORING_CONFIG.phrases.templated)).toBe(true);
  });

  it('a weight of 0 switches a dimension off', () => {
    expect(scoringConfig({ weights: { handling: 0 } }).weights.handling).toBe(0);
  });

  it.each([
    ['not an object', 'weights', /scoring config: must be an object/],
    ['an unknown setting', { weigths: {} }, /weigths: is not a known setting/],
    ['an unknown weight', { weights: { charm: 1 } }, /weights\.charm: is not a known setting/],
    ['a negative weight', { weights: { survey: -1 } }, /weights\.survey: must be ≥ 0/],
    ['a weight that is not a number', { weights: { survey: 'high' } }, /weights\.survey: must be a finite number/],
    ['an infinite weight', { weights: { survey: Infinity } }, /weights\.survey: must be a finite number/],
    ['all weights 0', { weights: Object.fromEntries(Object.keys(DEFAULT_SCORING_CONFIG.weights).map((k) => [k, 0])) }, /at least one weight/],
    ['thresholds out of range', { thresholds: { relational: 120 } }, /thresholds\.relational: must be between 0 and 100/],
    ['crossed thresholds', { thresholds: { relational: 30, transactional: 60 } }, /thresholds\.transactional: must not be above/],
    ['a zero repeat window', { repeatWindowDays: 0 }, /repeatWindowDays: must be > 0/],
    ['a zero SLA', { replySlaHours: { email: 0 } }, /replySlaHours\.email: must be > 0/],
    ['an unknown channel in a list', { awaitsReplyChannels: ['email', 'pigeon'] }, /awaitsReplyChannels\[1\]: must be one of/],
    ['a list where an object belongs', { weights: [1, 2] }, /weights: must be an object/],
    ['an object where a list belongs', { liveChannels: { phone: true } }, /liveChannels: must be a list/],
    ['an empty phrase', { phrases: { acknowledgement: ['i understand', ' '] } }, /phrases\.acknowledgement\[1\]: must be a non-empty phrase/],
    ['a phrase that is not text', { phrases: { promo: [42] } }, /phrases\.promo\[0\]/],
    ['wait limits the wrong way round', { wait: { shortSeconds: 600, longSeconds: 60 } }, /wait\.longSeconds: must be above/],
    ['a talk-share full effect above 0.5', { talkShareFullEffectAt: 0.8 }, /talkShareFullEffectAt/],
    ['a fractional number of extra questions', { maxExtraQuestions: 1.5 }, /maxExtraQuestions/],
    ['an unanswered factor below 1', { maxUnansweredWeightFactor: 0.5 }, /maxUnansweredWeightFactor: must be at least 1/],
  ])('given %s, throws InvalidRules naming the setting', (_what, overrides, path) => {
    rejects(overrides, path);
  });

  it('ignores a __proto__ key instead of polluting prototypes', () => {
    rejects(JSON.parse('{"__proto__": {"polluted": true}}'), /__proto__: is not a known setting/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
