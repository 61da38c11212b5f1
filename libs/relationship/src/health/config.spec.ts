import { DomainError } from '../errors.js';
import { DEFAULT_HEALTH_CONFIG, healthConfig } from './index.js';

describe('healthConfig', () => {
  it('given no overrides, then the defaults', () => {
    expect(healthConfig()).toEqual(DEFAULT_HEALTH_CONFIG);
  });
  it('given nested overrides, then they are merged deeply and the rest kept', () => {
    const c = healthConfig({ halfLifeDays: 30, churn: { coefficients: { churned: 5 } } });
    expect(c.halfLifeDays).toBe(30);
    expect(c.churn.coefficients.churned).toBe(5);
    expect(c.churn.coefficients.monthsSinceRelational).toBe(DEFAULT_HEALTH_CONFIG.churn.coefficients.monthsSinceRelational);
    expect(c.bands).toEqual(DEFAULT_HEALTH_CONFIG.bands);
  });
  it.each([
    [{ halfLifeDays: 0 }, /halfLifeDays/],
    [{ bands: { green: 40, yellow: 70 } }, /bands/],
    [{ haflLifeDays: 3 }, /unknown health config key haflLifeDays/],
    [{ quality: { weight: '30' } }, /quality.weight must be a finite number/],
    [{ churn: { levels: { medium: 0.8, high: 0.5 } } }, /churn.levels/],
    [{ recency: { freshDays: 100 } }, /lostDays/],
    [[], /config must be an object/],
  ])('given invalid overrides %j, then a DomainError names the problem', (overrides, message) => {
    expect(() => healthConfig(overrides)).toThrow(DomainError);
    expect(() => healthConfig(overrides)).toThrow(message);
  });
  it('given the defaults, then they cannot be mutated by accident', () => {
    expect(Object.isFrozen(DEFAULT_HEALTH_CONFIG.churn.coefficients)).toBe(true);
  });
});
