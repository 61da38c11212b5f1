import type { Queryable } from '../../event-store/src/index.js';
import { ensureCheckpoints, requestRebuild } from '../../event-store/src/index.js';
import { SCORING_MODEL_VERSION } from '../../relationship/src/index.js';

/** The projection whose rows hold relational scores. */
export const SCORED_PROJECTION = 'customer-read-models';

/** Records the model the projection is (re)built with; called from its reset, in the rebuild's transaction. */
export async function recordScoringModel(tx: Queryable, version = SCORING_MODEL_VERSION): Promise<void> {
  await tx.query(
    `INSERT INTO read_model_versions (name, version) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, updated_at = now()`,
    [SCORED_PROJECTION, version],
  );
}

export interface ModelCheck {
  /** The model in force in this process. */
  deployed: string;
  /** The model the stored scores came from (null: none recorded). */
  stored: string | null;
  /** 'current', 'recorded' (nothing scored yet: this model is recorded), or 'rebuild_requested'. */
  action: 'current' | 'recorded' | 'rebuild_requested';
}

/**
 * At start-up: when the stored scores come from another scoring model than the deployed one,
 * ask for a rebuild of the scored projection (its reset records the new model), so every
 * touchpoint is rescored by the model in force. Idempotent: a crash before the reset asks again
 * on the next start.
 */
export async function rescoreOnModelChange(db: Queryable, deployed = SCORING_MODEL_VERSION): Promise<ModelCheck> {
  const rows = await db.query(`SELECT version FROM read_model_versions WHERE name = $1`, [SCORED_PROJECTION]);
  const stored: string | null = rows[0]?.version ?? null;
  if (stored === deployed) return { deployed, stored, action: 'current' };
  if (stored === null) {
    // Nothing recorded: a fresh database (nothing scored yet) takes this model as its own.
    const any = await db.query(`SELECT 1 FROM relational_scores LIMIT 1`);
    if (any.length === 0) {
      await recordScoringModel(db, deployed);
      return { deployed, stored, action: 'recorded' };
    }
  }
  await ensureCheckpoints(db, [SCORED_PROJECTION]);
  await requestRebuild(db, SCORED_PROJECTION);
  return { deployed, stored, action: 'rebuild_requested' };
}
