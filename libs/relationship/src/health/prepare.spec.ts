import fc from 'fast-check';
import { computeHealth } from './index.js';
import { AT, DAY, arbInputWith } from './spec-helpers.js';
import type { ScoredTouchpoint } from '../touchpoint.js';
import type { HealthInput } from './types.js';

/** Touchpoint ids distinct from event ids, and some touchpoints replying to others (by either id). */
function withReplies(input: HealthInput, seeds: number[]): HealthInput {
  const tps = input.touchpoints.map((t) => ({ ...t, touchpoint: { ...t.touchpoint, id: `tp-of-${t.eventId}` } }));
  return {
    ...input,
    touchpoints: tps.map((t, i) => {
      const s = seeds[i % Math.max(1, seeds.length)] ?? 0;
      if (s % 3 !== 0) return t;
      const target = tps[s % tps.length];
      return { ...t, touchpoint: { ...t.touchpoint, replyToId: s % 2 ? target.touchpoint.id : target.eventId } };
    }),
  };
}

const byBusinessTime = (a: ScoredTouchpoint, b: ScoredTouchpoint) =>
  Date.parse(a.touchpoint.occurredAt) - Date.parse(b.touchpoint.occurredAt) || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

describe('prepare: the columns kept per touchpoints array', () => {
  it('given one array grown and changed in place between evaluations (as a cached fold does), then every evaluation equals one over a fresh copy', () => {
    fc.assert(
      fc.property(
        arbInputWith({ maxTouchpoints: 40 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 12 }),
        fc.integer({ min: -30, max: 400 }),
        (raw, seeds, steps, daysAgo) => {
          const input = withReplies(raw, seeds);
          const at = new Date(AT.getTime() - daysAgo * DAY);
          // In business order, so the kept columns are extended rather than prepared afresh.
          const pool = [...input.touchpoints].sort(byBusinessTime);
          const live = pool.splice(0, Math.floor(pool.length / 2));
          const view = { ...input, touchpoints: live };
          const same = () => expect(computeHealth(view, at)).toEqual(computeHealth({ ...view, touchpoints: [...live] }, at));
          same();
          for (const [k, s, append] of steps) {
            if ((append || live.length === 0) && pool.length > 0) live.push(pool.shift()!);
            else if (live.length > 0) {
              // A rescore: the entry is replaced by a new object (score, resolution, topic, reply may all change).
              const i = k % live.length;
              const src = input.touchpoints[s % input.touchpoints.length];
              const replyToId = s % 4 === 0 ? live[(s >> 2) % live.length].touchpoint.id : src.touchpoint.replyToId;
              live[i] = { ...live[i], relational: src.relational, touchpoint: { ...live[i].touchpoint, resolved: src.touchpoint.resolved, topic: src.touchpoint.topic, channel: src.touchpoint.channel, replyToId } };
            }
            same();
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
