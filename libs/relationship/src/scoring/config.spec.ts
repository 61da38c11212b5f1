import { DomainError, DomainErrorCode } from '../errors.js';
import { DEFAULT_SCORING_CONFIG, SIGNAL_NAMES, SIGNALS, scoringConfig } from './config.js';

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
    const c = scoringConfig({ weights: { human_handled: 6 }, thresholds: { relational: 70 }, replySlaHours: { chat: 0.5 }, promoTags: ['sale'] });
    expect(c.weights.human_handled).toBe(6);
    expect(c.weights.nps_detractor).toBe(DEFAULT_SCORING_CONFIG.weights.nps_detractor);
    expect(c.thresholds).toEqual({ relational: 70, transactional: DEFAULT_SCORING_CONFIG.thresholds.transactional });
    expect(c.replySlaHours.chat).toBe(0.5);
    expect(c.replySlaHours.email).toBe(24);
    expect(c.promoTags).toEqual(['sale']);
    expect(c.formChannels).toEqual(DEFAULT_SCORING_CONFIG.formChannels);
  });

  it('does not change the defaults and returns a frozen config', () => {
    const before = DEFAULT_SCORING_CONFIG.weights.two_way;
    const c = scoringConfig({ weights: { two_way: 9 } });
    expect(DEFAULT_SCORING_CONFIG.weights.two_way).toBe(before);
    expect(Object.isFrozen(c.weights)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SCORING_CONFIG.promoTags)).toBe(true);
  });

  it('a weight of 0 switches a signal off', () => {
    expect(scoringConfig({ weights: { human_handled: 0 } }).weights.human_handled).toBe(0);
  });

  it('every learned weight has the sign its signal is held to', () => {
    for (const n of SIGNAL_NAMES) {
      const w = DEFAULT_SCORING_CONFIG.weights[n];
      if (SIGNALS[n] > 0) expect([n, w >= 0]).toEqual([n, true]);
      if (SIGNALS[n] < 0) expect([n, w <= 0]).toEqual([n, true]);
    }
  });

  it.each([
    ['not an object', 'weights', /scoring config: must be an object/],
    ['an unknown setting', { weigths: {} }, /weigths: is not a known setting/],
    ['an unknown weight', { weights: { charm: 1 } }, /weights\.charm: is not a known setting/],
    ['a weight that is not a number', { weights: { nps_promoter: 'high' } }, /weights\.nps_promoter: must be a finite number/],
    ['an infinite weight', { weights: { nps_promoter: Infinity } }, /weights\.nps_promoter: must be a finite number/],
    ['all weights 0', { weights: Object.fromEntries(Object.keys(DEFAULT_SCORING_CONFIG.weights).map((k) => [k, 0])) }, /at least one weight/],
    ['thresholds out of range', { thresholds: { relational: 120 } }, /thresholds\.relational: must be between 0 and 100/],
    ['crossed thresholds', { thresholds: { relational: 30, transactional: 60 } }, /thresholds\.transactional: must not be above/],
    ['a zero repeat window', { repeatWindowDays: 0 }, /repeatWindowDays: must be > 0/],
    ['a zero SLA', { replySlaHours: { email: 0 } }, /replySlaHours\.email: must be > 0/],
    ['an unknown channel in a list', { awaitsReplyChannels: ['email', 'pigeon'] }, /awaitsReplyChannels\[1\]: must be one of/],
    ['a list where an object belongs', { weights: [1, 2] }, /weights: must be an object/],
    ['an object where a list belongs', { liveChannels: { phone: true } }, /liveChannels: must be a list/],
    ['an empty tag', { promoTags: ['promo', ' '] }, /promoTags\[1\]: must be a non-empty tag/],
    ['a tag that is not text', { promoTags: [42] }, /promoTags\[0\]/],
    ['wait limits the wrong way round', { wait: { shortSeconds: 600, longSeconds: 60 } }, /wait\.longSeconds: must be above/],
    ['a setting that no longer exists', { priorWeight: 2 }, /priorWeight: is not a known setting/],
  ])('given %s, throws InvalidRules naming the setting', (_what, overrides, path) => {
    rejects(overrides, path);
  });

  it('ignores a __proto__ key instead of polluting prototypes', () => {
    rejects(JSON.parse('{"__proto__": {"polluted": true}}'), /__proto__: is not a known setting/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
