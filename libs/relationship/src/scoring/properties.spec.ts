import fc from 'fast-check';
import { CHANNELS, type Touchpoint, type TranscriptTurn } from '../touchpoint.js';
import { DEFAULT_SCORING_CONFIG, SIGNAL_NAMES, SIGNALS, scoringConfig, type ScoringConfig } from './config.js';
import { ownTurns } from './conversation.js';
import { relationalClass, scoreTouchpoint, type ScoringContext } from './score.js';

// Properties over generated touchpoints: the score stays in range, asking never hurts, a
// template never helps, automation never helps, and the same input always gives the same output.

const BASE = Date.parse('2026-11-10T12:00:00.000Z');

const SENTENCES = [
  'My parcel never arrived.', 'Pakken min kom aldri.', 'I understand, that sounds frustrating.', 'Jeg forstår.', 'Beklager det.',
  'Please restart the router and try again.', 'Start ruteren på nytt.', 'Is there anything else?', 'Er det noe mer?',
  'What is your order number?', 'Hva er ordrenummeret ditt?', 'How did that go?', 'Hvordan gikk det?', 'Tell me more about the problem.',
  'Dear customer, do not reply to this email.', 'Kjære kunde, ikke svar på denne e-posten.', 'We have a special offer: 20% off.',
  'Vi har et tilbud på oppgradering.', 'Last time you mentioned the invoice.', 'Sist vi snakket nevnte du fakturaen.', 'Hi Kari!', 'Hei Ola.',
  'ok', 'ja', '', '   ', 'Thanks, bye.', 'The new batch is smaller, the old one fitted perfectly and I want the same again.',
];

/** Genuine open questions about the customer's situation. */
const OPEN_QUESTIONS = [
  'How did that feel?', 'What would help you most right now?', 'Tell me more about what happened.', 'Why does that matter to you?',
  'What happened when you tried to log in?', 'How has the delay affected your week?',
  'Hvordan opplevde du det?', 'Kan du beskrive hva som skjedde?', 'Hva tenker du om det?', 'Fortell meg mer om det.', 'Hva skjedde da pakken kom?',
];

/** Replies a person writes for this customer: acknowledging, committing, asking. */
const PERSONAL = [
  "I'm sorry the jacket arrived torn. I'll send a new one today and call you tomorrow. How does the new size feel?",
  'Kari, that sounds really stressful. I have booked the technician for Friday at 9. What time suits you best?',
  'I understand. Let me check the invoice now. What did you expect to pay?',
  'Beklager, det skal ikke skje. Jeg ringer deg i morgen før kl. 10. Hvordan går det med leveransen nå?',
  'Det forstår jeg godt. Jeg har sendt en ny pakke i dag. Hva trenger du mer fra oss?',
];

/** The same reply from a template. */
const TEMPLATED = [
  'Dear customer, thank you for contacting us. Your case number is 48213. Please allow 3-5 business days for a response.',
  'We apologise for any inconvenience. Your request has been forwarded to the relevant department. Please see our help centre: https://help.example.com.',
  'Hi {{first_name}}, we have received your request. This ticket is now closed.',
  'Kjære kunde, takk for din henvendelse. Saksnummer: 11872. Vi beklager ulempen. Saken er videresendt.',
  'Hei %FORNAVN%, vi har mottatt din henvendelse og kommer tilbake til deg så snart som mulig. Se Min side for status.',
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

/**
 * The fitted model, or any other whose weights keep their signal's sign: the properties hold by
 * construction for every such model, so a refit on a grown corpus cannot break them.
 */
const configArb: fc.Arbitrary<ScoringConfig> = fc.oneof(
  fc.constant(DEFAULT_SCORING_CONFIG),
  fc
    .tuple(...SIGNAL_NAMES.map((n) => fc.double({ min: 0, max: 3, noNaN: true }).map((w) => (SIGNALS[n] === 0 ? w - 1.5 : SIGNALS[n] * w))))
    .map((ws) => scoringConfig({ weights: Object.fromEntries(SIGNAL_NAMES.map((n, i) => [n, ws[i] === 0 ? (SIGNALS[n] || 1) * 0.01 : ws[i]])) })),
);

/** The touchpoint's turns as a transcript (an e-mail's body becomes its one turn): the same conversation, written out. */
const conversation = (tp: Touchpoint): TranscriptTurn[] => ownTurns(tp, 'self').map((t) => ({ speaker: t.speaker, text: t.raw }));

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

  it('adding a genuine open question about the customer\'s situation never lowers the score', () => {
    fc.assert(
      fc.property(scenarioArb, configArb, fc.constantFrom(...OPEN_QUESTIONS), fc.nat(), ({ tp, ctx }, config, question, at) => {
        const before = scoreTouchpoint(tp, ctx, config);
        const turns = conversation(tp);
        turns.splice(at % (turns.length + 1), 0, { speaker: 'agent', text: question });
        const after = scoreTouchpoint({ ...tp, transcript: turns }, ctx, config);
        expect(after.score).toBeGreaterThanOrEqual(before.score);
      }),
      RUNS,
    );
  });

  it('replacing a personal reply with a templated one never raises the score', () => {
    fc.assert(
      fc.property(scenarioArb, configArb, fc.constantFrom(...PERSONAL), fc.constantFrom(...TEMPLATED), fc.nat(), ({ tp, ctx }, config, personal, template, at) => {
        const turns = conversation(tp);
        const k = at % (turns.length + 1);
        const withReply = (text: string) => {
          const t = [...turns];
          t.splice(k, 0, { speaker: 'agent', text });
          return scoreTouchpoint({ ...tp, transcript: t }, ctx, config);
        };
        expect(withReply(template).score).toBeLessThanOrEqual(withReply(personal).score);
      }),
      RUNS,
    );
  });

  it('marking a touchpoint as handled by automation never raises the score', () => {
    fc.assert(
      fc.property(scenarioArb, configArb, ({ tp, ctx }, config) => {
        const human = scoreTouchpoint({ ...tp, handledBy: 'human' }, ctx, config);
        const automated = scoreTouchpoint({ ...tp, handledBy: 'automation' }, ctx, config);
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
