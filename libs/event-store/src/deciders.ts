import type { DecidedEvent, Decider } from './types.js';

/**
 * For a command whose events were decided already, item by item with the domain's deciders (the
 * follow-up worker's batch, a silence run): `handle` writes them as they are.
 */
export const alreadyDecided: Decider<readonly DecidedEvent[]> = { decide: (events) => events };
