import type { HealthConfigPreview, HealthRead } from '../../../../../libs/read-models/src/index.js';
import type { HealthHistoryPoint } from '../../../../../libs/relationship/src/index.js';

/** What HealthReadService asks its worker thread. */
export type HealthReadRequest =
  | { id: number; kind: 'health'; customerId: string; atMs: number; recordedUpToMs?: number }
  | { id: number; kind: 'history'; customerId: string; fromMs: number; toMs: number; step: 'day' | 'week' }
  | { id: number; kind: 'preview'; customerId: string; overrides: Record<string, unknown> };

export type HealthReadResponse = { id: number; ok: true; result: HealthRead | HealthHistoryPoint[] | HealthConfigPreview } | { id: number; ok: false; error: string };
