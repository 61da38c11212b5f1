import type { Queryable } from '../../event-store/src/index.js';
import { ensureCheckpoints, requestRebuild } from '../../event-store/src/index.js';
import { HEALTH_MODEL_VERSION, SCORING_MODEL_VERSION } from '../../relationship/src/index.js';

/** The projection whose rows hold relational scores, health and churn. */
export const SCORED_PROJECTION = 'customer-read-models';

/**
 * A model whose output the customer read models store. Its `read_model_versions` row names the
 * version the stored rows came from; when the deployed version differs, the rows are rebuilt.
 */
export interface StoredModel {
  /** The `read_model_versions` row. */
  row: string;
  /** The version in force in this process. */
  deployed: string;
  /** A table that is empty until the projection has written anything this model computes. */
  outputTable: string;
  /** Log wording: what a rebuild for this model does. */
  rebuildReason: string;
}

export const SCORING_MODEL: StoredModel = { row: SCORED_PROJECTION, deployed: SCORING_MODEL_VERSION, outputTable: 'relational_scores', rebuildReason: 'scoring model changed: rescoring every touchpoint' };
export const HEALTH_MODEL: StoredModel = { row: `${SCORED_PROJECTION}:health`, deployed: HEALTH_MODEL_VERSION, outputTable: 'customer_health', rebuildReason: 'health model changed: rebuilding health, churn and drivers' };
export const STORED_MODELS: readonly StoredModel[] = [SCORING_MODEL, HEALTH_MODEL];

/** Records the version a model's rows are (re)built with; called from the projection's reset, in the rebuild's transaction. */
export async function recordModel(tx: Queryable, model: StoredModel, version = model.deployed): Promise<void> {
  await tx.query(
    `INSERT INTO read_model_versions (name, version) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, updated_at = now()`,
    [model.row, version],
  );
}

export interface ModelCheck {
  /** The model in force in this process. */
  deployed: string;
  /** The model the stored rows came from (null: none recorded). */
  stored: string | null;
  /** 'current', 'recorded' (nothing written yet: this model is recorded), or 'rebuild_requested'. */
  action: 'current' | 'recorded' | 'rebuild_requested';
}

/**
 * At start-up: when the stored rows come from another version of the model than the deployed one
 * (or from before models had versions), ask for a rebuild of the scored projection — its reset
 * records the versions in force — so every row is the deployed model's. A database with nothing
 * written yet takes this version as its own. Idempotent: a crash before the reset asks again on
 * the next start.
 */
export async function rebuildOnModelChange(db: Queryable, model: StoredModel, deployed = model.deployed): Promise<ModelCheck> {
  const rows = await db.query(`SELECT version FROM read_model_versions WHERE name = $1`, [model.row]);
  const stored: string | null = rows[0]?.version ?? null;
  if (stored === deployed) return { deployed, stored, action: 'current' };
  if (stored === null && (await db.query(`SELECT 1 FROM ${model.outputTable} LIMIT 1`)).length === 0) {
    await recordModel(db, model, deployed);
    return { deployed, stored, action: 'recorded' };
  }
  await ensureCheckpoints(db, [SCORED_PROJECTION]);
  await requestRebuild(db, SCORED_PROJECTION);
  return { deployed, stored, action: 'rebuild_requested' };
}
