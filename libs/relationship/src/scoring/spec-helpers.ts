// Shared by the scoring specs: made-up touchpoints and the features extracted from them.
import type { Touchpoint } from '../touchpoint.js';
import { DEFAULT_SCORING_CONFIG, type SignalName } from './config.js';
import { extractFeatures, type FeatureContext } from './features.js';

export const AT = '2026-03-10T12:00:00.000Z';

/** A maker of inbound, customer-initiated, human-handled touchpoints on `channel`, ids `<prefix>-1`, `<prefix>-2`, … */
export function touchpointMaker(prefix: string, channel: Touchpoint['channel']): (over?: Partial<Touchpoint>) => Touchpoint {
  let seq = 0;
  return (over = {}) => ({
    id: `${prefix}-${++seq}`,
    customerId: `c-${prefix}`,
    channel,
    direction: 'inbound',
    initiatedBy: 'customer',
    handledBy: 'human',
    occurredAt: AT,
    ...over,
  });
}

/** The features of a touchpoint with the default config: their names, and one by name. */
export function features(t: Touchpoint, ctx: Partial<FeatureContext> = {}) {
  const fs = extractFeatures(t, { history: [], ...ctx }, DEFAULT_SCORING_CONFIG);
  return { names: fs.map((f) => f.name), get: (n: SignalName) => fs.find((f) => f.name === n) };
}
