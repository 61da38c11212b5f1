import type { Upcaster } from '../../../event-store/src/index.js';

/** Every upcaster of the product's events. A new payload shape of a type adds one here. */
export const UPCASTERS: Upcaster[] = [];
