import { scoreTouchpoint, type ScoringContext } from '../../libs/relationship/src/scoring/index.js';
import type { Touchpoint } from '../../libs/relationship/src/touchpoint.js';
import type { BenchSuite } from '../types.js';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/**
 * A touchpoint with a 6-turn transcript (English or Norwegian), its reply target in the
 * history, and an answer: what a fold scores on every new contact. Each one differs (numbers,
 * names, words); as in a real log, a stock line or two ("Tusen takk, det setter jeg pris på.",
 * the "please allow" template) comes back on many of them. With `everyTurnNew` those lines carry
 * the order number too, so nothing the phrase families remember from earlier touchpoints helps.
 */
function sample(i: number, everyTurnNew = false): { tp: Touchpoint; ctx: ScoringContext } {
  const nb = i % 3 === 0;
  const n = 1000 + i;
  const name = ['Kari', 'Ola', 'Ingrid', 'Per', 'Anna', 'Lars'][i % 6];
  const transcript = nb
    ? [
        { speaker: 'customer' as const, text: `Hei, jeg har ventet på refusjonen for ordre ${n} i ${i % 20} dager nå, og ingen har svart på e-posten min.` },
        { speaker: 'agent' as const, text: `Hei ${name}, det beklager jeg. Hva skjedde da du sendte varen tilbake?` },
        { speaker: 'customer' as const, text: `Jeg leverte pakken på posten ${i % 28 + 1}. mai og fikk en kvittering, men siden har det vært helt stille.` },
        { speaker: 'agent' as const, text: `Jeg ser pakken kom fram til lageret vårt. Jeg sørger for at refusjonen går ut i dag, og jeg ringer deg i morgen før kl. ${9 + (i % 6)}.` },
        { speaker: 'customer' as const, text: everyTurnNew ? `Tusen takk, det setter jeg pris på, ${name}, det gjelder ordre ${n}.` : 'Tusen takk, det setter jeg pris på.' },
        { speaker: 'agent' as const, text: everyTurnNew ? `Bare hyggelig, ${name}. Ha en fin dag!` : 'Bare hyggelig. Ha en fin dag!' },
      ]
    : [
        { speaker: 'customer' as const, text: `Hi, the router from order ${n} keeps dropping the connection every ${i % 50} minutes since the update.` },
        { speaker: 'agent' as const, text: `I'm sorry to hear that, ${name}. What happens to the lights on the router when it drops?` },
        { speaker: 'customer' as const, text: `The green light goes orange for a while and then it comes back after about ${i % 9 + 1} minutes.` },
        { speaker: 'agent' as const, text: `Thanks, that helps. Please allow 3-5 business days${everyTurnNew ? ` for order ${n}` : ''}. You can also check our help centre at https://help.example.com.` },
        { speaker: 'customer' as const, text: 'Great, another automatic answer. I have explained this three times already.' },
        { speaker: 'agent' as const, text: `I understand. I will send a technician on Friday at ${8 + (i % 8)} and call you tomorrow to confirm.` },
      ];
  const at = Date.parse('2026-05-10T12:00:00.000Z') + i * 60_000;
  const earlier: Touchpoint = { id: `h-${i}`, customerId: 'c', channel: 'email', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human', occurredAt: new Date(at - 5 * 3_600_000).toISOString(), subject: `Order ${n}`, summary: transcript[0].text };
  const tp: Touchpoint = {
    id: `t-${i}`, customerId: 'c', channel: i % 2 ? 'phone' : 'chat', direction: 'inbound', initiatedBy: 'customer', handledBy: 'human',
    occurredAt: new Date(at).toISOString(), waitSeconds: i % 400, handoffs: i % 3, resolved: i % 2 === 0, topic: 'refund', language: nb ? 'nb' : 'en', transcript,
  };
  return { tp, ctx: { customerName: `${name} Nordmann`, history: [earlier] } };
}

/** The relational scorer alone, on one core: a pure function, so a micro-measurement is its real cost. */
export const scoringSuite: BenchSuite = {
  name: 'scoring',
  async run(ctx) {
    const n = ctx.size(20_000, 2_000);
    const measure = (everyTurnNew: boolean) => {
      const inputs = Array.from({ length: n }, (_, i) => sample(i, everyTurnNew));
      // Warm-up on other inputs (JIT), not measured.
      for (let i = 0; i < Math.min(2_000, n); i++) {
        const w = sample(n + i, everyTurnNew);
        scoreTouchpoint(w.tp, w.ctx);
      }
      const times: number[] = [];
      for (const { tp, ctx: c } of inputs) {
        const t0 = process.hrtime.bigint();
        scoreTouchpoint(tp, c);
        times.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
      return times.sort((a, b) => a - b);
    };
    const log = measure(false);
    // Far past the size of the families' memory, so the run above leaves nothing this one can use.
    const fresh = measure(true);
    ctx.log(`scored ${n} touchpoints twice`);
    const us = (v: number) => Math.round(v * 10) / 10;
    return [
      { measure: 'scoreTouchpoint, 6-turn transcript + reply target, median', figure: us(pct(log, 50)), unit: 'µs', goal: { atMost: 100 }, note: 'one core, distinct inputs with a stock line or two, as in a log; hrtime per call' },
      { measure: 'scoreTouchpoint, 6-turn transcript + reply target, p95', figure: us(pct(log, 95)), unit: 'µs' },
      { measure: 'scoreTouchpoint, every turn new, median', figure: us(pct(fresh, 50)), unit: 'µs', note: 'no line seen before: nothing remembered helps' },
    ];
  },
};
