import type { Queryable } from '../../event-store/src/index.js';
import { ensureCheckpoints, requestRebuild } from '../../event-store/src/index.js';
import { HEALTH_MODEL_VERSION } from '../../relationship/src/index.js';
import { SCORED_PROJECTION } from './scoring-model.js';

/** The `read_model_versions` row of the health model the customer read models were built with. */
export const HEALTH_MODEL_ROW = `${SCORED_PROJECTION}:health`;

/** Records the health model the read models are (re)built with; called from the projection's reset. */
export async function recordHealthModel(tx: Queryable, version = HEALTH_MODEL_VERSION): Promise<void> {
  await tx.query(
    `INSERT INTO read_model_versions (name, version) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, updated_at = now()`,
    [HEALTH_MODEL_ROW, version],
  );
}

export interface HealthModelCheck {
  deployed: string;
  stored: string | null;
  action: 'current' | 'recorded' | 'rebuild_requested';
}

/**
 * At start-up: when the stored health rows come from another health model (or from before
 * models had versions), ask for a rebuild of the customer read models, so every row's drivers
 * and notes are the deployed model's. A database with no health row yet takes this model as its
 * own. Idempotent, like rescoreOnModelChange.
 */
export async function rebuildOnHealthModelChange(db: Queryable, deployed = HEALTH_MODEL_VERSION): Promise<HealthModelCheck> {
  const rows = await db.query(`SELECT version FROM read_model_versions WHERE name = $1`, [HEALTH_MODEL_ROW]);
  const stored: string | null = rows[0]?.version ?? null;
  if (stored === deployed) return { deployed, stored, action: 'current' };
  if (stored === null && (await db.query(`SELECT 1 FROM customer_health LIMIT 1`)).length === 0) {
    await recordHealthModel(db, deployed);
    return { deployed, stored, action: 'recorded' };
  }
  await ensureCheckpoints(db, [SCORED_PROJECTION]);
  await requestRebuild(db, SCORED_PROJECTION);
  return { deployed, stored, action: 'rebuild_requested' };
}
