import fc from 'fast-check';
import { CHANNELS, type Touchpoint, type TranscriptTurn } from '../touchpoint.js';
import { DEFAULT_SCORING_CONFIG, SIGNAL_NAMES } from './config.js';
import { relationalClass, scoreTouchpoint, type ScoringContext } from './score.js';

// Properties over generated touchpoints: the score stays in range, asking never hurts,
// automation never helps, and the same input always gives the same output.

const BASE = Date.parse('2026-11-10T12:00:00.000Z');

const SENTENCES = [
  'My parcel never arrived.', 'Pakken min kom aldri.', 'I understand, that sounds frustrating.', 'Jeg forstår.', 'Beklager det.',
  'Please restart the router and try again.', 'Start ruteren på nytt.', 'Is there anything else?', 'Er det noe mer?',
  'What is your order number?', 'Hva er ordrenummeret ditt?', 'How did that go?', 'Hvordan gikk det?', 'Tell me more about the problem.',
  'Dear customer, do not reply to this email.', 'Kjære kunde, ikke svar på denne e-posten.', 'We have a special offer: 20% off.',
  'Vi har et tilbud på oppgradering.', 'Last time you mentioned the invoice.', 'Sist vi snakket nevnte du fakturaen.', 'Hi Kari!', 'Hei Ola.',
  'ok', 'ja', '', '   ', 'Thanks, bye.', 'The new batch is smaller, the old one fitted perfectly and I want the same again.',
];

const OPEN_QUESTIONS = [
  'How did that feel?', 'What would help you most right now?', 'Tell me more about what happened.', 'Why does that matter to you?',
  'Hvordan opplevde du det?', 'Kan du beskrive hva som skjedde?', 'Hva tenker du om det?', 'Fortell meg mer om det.',
];

const turnArb: fc.Arbitrary<TranscriptTurn> = fc.record({
  speaker: fc.constantFrom('customer', 'agent', 'bot') as fc.Arbitrary<TranscriptTurn['speaker']>,
  text: fc.oneof(fc.constantFrom(...SENTENCES), fc.string({ maxLength: 40 })),
});

const isoArb = (minH: number, maxH: number) => fc.integer({ min: minH, max: maxH }).map((h) => new Date(BASE + h * 3_600_000).toISOString());

function touchpointArb(id: string, replyIds: string[]): fc.Arbitrary<Touchpoint> {
  return fc.record(
    {
      id: fc.constant(id),
      customerId: fc.constant('c-1'),
      channel: fc.constantFrom(...CHANNELS),
      direction: fc.constantFrom('inbound', 'outbound') as fc.Arbitrary<Touchpoint['direction']>,
      initiatedBy: fc.constantFrom('customer', 'company') as fc.Arbitrary<Touchpoint['initiatedBy']>,
      handledBy: fc.constantFrom('human', 'automation') as fc.Arbitrary<Touchpoint['handledBy']>,
      occurredAt: isoArb(-24 * 10, 0),
      waitSeconds: fc.integer({ min: -5, max: 3600 }),
      handoffs: fc.integer({ min: -1, max: 6 }),
      resolved: fc.boolean(),
      topic: fc.constantFrom('return', 'Return', 'invoice', 'retur'),
      subject: fc.constantFrom('Invoice 1234', 'Re: Invoice 1234', 'Sv: Faktura', 'Black week: 30% rabatt', 'Hello'),
      summary: fc.constantFrom(...SENTENCES),
      transcript: fc.array(turnArb, { maxLength: 8 }),
      survey: fc.record({ kind: fc.constantFrom('nps', 'csat', 'ces') as fc.Arbitrary<'nps' | 'csat' | 'ces'>, score: fc.integer({ min: -1, max: 11 }), comment: fc.constantFrom('Bra', 'Bad') }, { requiredKeys: ['kind', 'score'] }),
      replyToId: fc.constantFrom(...replyIds, 'unknown-id'),
      tags: fc.array(fc.constantFrom('promo', 'vip', 'kampanje'), { maxLength: 2 }),
    },
    { requiredKeys: ['id', 'customerId', 'channel', 'direction', 'initiatedBy', 'handledBy', 'occurredAt'] },
  );
}

const historyIds = ['h-0', 'h-1', 'h-2', 'h-3', 'h-4'];

const scenarioArb = fc
  .record({
    history: fc.tuple(...historyIds.map((id) => touchpointArb(id, ['h-0']))),
    historySize: fc.integer({ min: 0, max: historyIds.length }),
    tp: touchpointArb('tp-0', historyIds),
    answeredBy: fc.array(touchpointArb('a-0', ['tp-0']), { maxLength: 2 }),
    unansweredHours: fc.option(fc.double({ min: -1, max: 500, noNaN: true }), { nil: undefined }),
    customerName: fc.option(fc.constantFrom('Kari Nordmann', 'Ola', 'Acme AS'), { nil: undefined }),
  })
  .map(({ history, historySize, tp, answeredBy, unansweredHours, customerName }) => ({
    tp,
    ctx: {
      history: history.slice(0, historySize),
      answeredBy: answeredBy.map((a, i) => ({ ...a, id: `a-${i}`, replyToId: tp.id })),
      unansweredHours,
      customerName,
    } satisfies ScoringContext,
  }));

const RUNS = { numRuns: Number(process.env.SCORING_RUNS ?? 400) };

describe('scoreTouchpoint properties', () => {
  it('given any touchpoint, the score is an integer within 0–100 and the class and signals are consistent', () => {
    fc.assert(
      fc.property(scenarioArb, ({ tp, ctx }) => {
        const r = scoreTouchpoint(tp, ctx);
        expect(Number.isInteger(r.score)).toBe(true);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(100);
        expect(r.class).toBe(relationalClass(r.score, DEFAULT_SCORING_CONFIG));
        const names = r.signals.map((s) => s.name);
        expect(new Set(names).size).toBe(names.length);
        for (const s of r.signals) {
          expect(SIGNAL_NAMES as readonly string[]).toContain(s.name);
          expect(Number.isFinite(s.effect)).toBe(true);
          expect(s.detail.length).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });

  it('adding an open question by the agent never lowers the score', () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom(...OPEN_QUESTIONS), fc.nat(), ({ tp, ctx }, question, at) => {
        const before = scoreTouchpoint(tp, ctx);
        const turns = [...(tp.transcript ?? [])];
        turns.splice(at % (turns.length + 1), 0, { speaker: 'agent', text: question });
        const after = scoreTouchpoint({ ...tp, transcript: turns }, ctx);
        expect(after.score).toBeGreaterThanOrEqual(before.score);
      }),
      RUNS,
    );
  });

  it('marking a touchpoint as handled by automation never raises the score', () => {
    fc.assert(
      fc.property(scenarioArb, ({ tp, ctx }) => {
        const human = scoreTouchpoint({ ...tp, handledBy: 'human' }, ctx);
        const automated = scoreTouchpoint({ ...tp, handledBy: 'automation' }, ctx);
        expect(automated.score).toBeLessThanOrEqual(human.score);
      }),
      RUNS,
    );
  });

  it('is deterministic: same input, same output, whatever the order of the history', () => {
    fc.assert(
      fc.property(scenarioArb, ({ tp, ctx }) => {
        const first = scoreTouchpoint(tp, ctx);
        const again = scoreTouchpoint(structuredClone(tp), structuredClone(ctx));
        const reordered = scoreTouchpoint(tp, { ...ctx, history: [...ctx.history].reverse(), answeredBy: [...ctx.answeredBy].reverse() });
        expect(again).toEqual(first);
        expect(reordered).toEqual(first);
      }),
      RUNS,
    );
  });

  it('the signed effects add up to score − 50 (within rounding)', () => {
    fc.assert(
      fc.property(scenarioArb, ({ tp, ctx }) => {
        const r = scoreTouchpoint(tp, ctx);
        const sum = r.signals.reduce((s, x) => s + x.effect, 0);
        // clamping never bites: the weighted mean is within [-1, 1]
        expect(Math.abs(sum - (r.score - 50))).toBeLessThanOrEqual(0.5 + 0.05 * r.signals.length + 1e-9);
      }),
      RUNS,
    );
  });
});
