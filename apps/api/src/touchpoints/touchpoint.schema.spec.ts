import fc from 'fast-check';
import { ProblemException, validateInput, withValidationNow } from '../../../../libs/shared/src/index.js';
import { parseBatch, parseTouchpoint, TouchpointBody, validateTouchpoints } from './touchpoint.schema.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const base = { customerExternalId: 'crm-1', channel: 'phone', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', occurredAt: '2026-06-01T10:00:00Z' };

const errorsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProblemException) return err.problem.errors;
    throw err;
  }
  return undefined;
};

describe('the touchpoint body', () => {
  it('given the contract’s fields, when parsed, then they come through and nulls mean not given', () => {
    const t = parseTouchpoint(
      { ...base, agent: { id: null, name: 'Kari' }, durationSeconds: 60, summary: null, transcript: [{ speaker: 'customer', text: 'hei', at: null }], survey: { kind: 'nps', score: 9, comment: null }, tags: ['a'], language: 'nb-NO' },
      NOW,
    );
    expect(t).toEqual({ ...base, agent: { name: 'Kari' }, durationSeconds: 60, transcript: [{ speaker: 'customer', text: 'hei' }], survey: { kind: 'nps', score: 9 }, tags: ['a'], language: 'nb-NO' });
  });

  it('given one bad value per field, when parsed, then one error per field with its path', () => {
    const errors = errorsOf(() =>
      parseTouchpoint({ ...base, customerExternalId: undefined, channel: 'fax', occurredAt: '2026-06-01T12:06:00Z', durationSeconds: -1, survey: { kind: 'csat', score: 7 }, transcript: [{ speaker: 'bot', text: 'x'.repeat(5001) }], language: 'not a tag', isAdmin: true }, NOW),
    );
    expect(errors?.map((e) => e.path).sort()).toEqual(['channel', 'customerId', 'durationSeconds', 'isAdmin', 'language', 'occurredAt', 'survey.score', 'transcript[0].text'].sort());
  });

  it('given a batch with bad items, when parsed, then each is named by index', () => {
    const errors = errorsOf(() => parseBatch({ touchpoints: [base, { ...base, direction: 'sideways' }, { ...base, tags: Array(21).fill('t') }] }, NOW));
    expect(errors).toEqual([
      { path: 'touchpoints[1].direction', message: 'must be one of: inbound, outbound' },
      { path: 'touchpoints[2].tags', message: 'must have at most 20 items' },
    ]);
    expect(errorsOf(() => parseBatch({ touchpoints: [] }, NOW))).toEqual([{ path: 'touchpoints', message: 'must have at least 1 item' }]);
  });

  it('given a webhook mapper’s output, when validated, then one touchpoint is named by field and several by index', () => {
    expect(validateTouchpoints([{ ...base, occurredAt: '0000-06-01T00:00:00Z' }], NOW)).toEqual({ ok: false, errors: [{ path: 'occurredAt', message: expect.stringMatching(/before 1970/) }] });
    const r = validateTouchpoints([base, { ...base, summary: 'a\ud800' }], NOW);
    expect(r).toEqual({ ok: false, errors: [{ path: 'touchpoints[1].summary', message: expect.stringMatching(/surrogate/) }] });
    expect(validateTouchpoints([{ ...base, subject: undefined }], NOW)).toEqual({ ok: true, value: [base] });
  });
});

describe('the compiled fast path', () => {
  it('given any mix of valid and invalid fields, then it accepts exactly what the reporting schema accepts', () => {
    const values = fc.constantFrom<unknown>(undefined, null, 'crm-1', '', 5, -1, 2 ** 40, true, {}, [], 'phone', 'fax', 'inbound', 'customer', 'human', '2026-06-01T10:00:00Z', '0000-01-01T00:00:00Z', '5b0c1a8e-6f0f-4b8e-9c1e-1d2f3a4b5c6d', 'a\u0000', ['t'], [{ speaker: 'bot', text: 'x' }], { kind: 'nps', score: 11 }, { name: 'Kari' });
    const keys = ['customerId', 'customerExternalId', 'channel', 'direction', 'initiatedBy', 'handledBy', 'occurredAt', 'agent', 'durationSeconds', 'summary', 'transcript', 'survey', 'tags', 'bogus'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), values, { maxKeys: 10 }), fc.boolean(), (overrides, fromBase) => {
        const input = fromBase ? { ...base, ...overrides } : overrides;
        const fast = validateInput(TouchpointBody, input, { now: NOW }).ok;
        const exact = withValidationNow(NOW, () => TouchpointBody.safeParse(input).success);
        expect(fast).toBe(exact);
      }),
      { seed: 20, numRuns: 2000 },
    );
  });
});
