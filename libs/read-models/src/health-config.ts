import { alreadyDecided, ensureCheckpoints, requestRebuild, type EventStore, type Queryable } from '../../event-store/src/index.js';
import { DomainError, DomainErrorCode, healthConfig, type ChurnCoefficients, type HealthConfig } from '../../relationship/src/index.js';
import { SCORED_PROJECTION } from './model-versions.js';

/** The audit trail of health configuration changes. */
export const HEALTH_CONFIG_STREAM = 'health-config';

/** The health configuration in force, and where it came from. */
export interface HealthConfigInForce {
  /** 0 while the defaults are in force; +1 per change. */
  version: number;
  /** Weights and bands over the defaults (without the churn coefficients). */
  overrides: Record<string, unknown>;
  /** The churn coefficients applied by an admin (null: the defaults). */
  churn: ChurnCoefficients | null;
  config: HealthConfig;
  updatedBy: string | null;
  updatedAt: string | null;
  churnAppliedBy: string | null;
  churnAppliedAt: string | null;
  /** The figures of the backtest the applied coefficients came from, as the backtest wrote them. */
  churnBacktest: unknown;
}

/** The full configuration from the stored parts (throws DomainError(invalid_rules) on a bad one). */
export function effectiveHealthConfig(overrides: Record<string, unknown>, churn: ChurnCoefficients | null): HealthConfig {
  if (!churn) return healthConfig(overrides);
  const o = overrides as { churn?: Record<string, unknown> };
  return healthConfig({ ...overrides, churn: { ...(o.churn ?? {}), intercept: churn.intercept, coefficients: churn.coefficients } });
}

/** Health overrides leave the churn model's coefficients alone: those come with their backtest (PUT /ops/churn-model). */
export function assertNoChurnModel(overrides: Record<string, unknown>): void {
  const churn = overrides.churn;
  if (churn && typeof churn === 'object' && ('coefficients' in churn || 'intercept' in churn)) {
    throw new DomainError(DomainErrorCode.InvalidRules, 'churn.intercept and churn.coefficients are the churn model: apply them with PUT /ops/churn-model');
  }
}

// A parsed configuration per version: the projection asks once per batch.
let cached: { version: number; value: HealthConfigInForce } | undefined;

export const DEFAULTS_IN_FORCE: HealthConfigInForce = Object.freeze({
  version: 0,
  overrides: {},
  churn: null,
  config: healthConfig(),
  updatedBy: null,
  updatedAt: null,
  churnAppliedBy: null,
  churnAppliedAt: null,
  churnBacktest: null,
});

/** The configuration the projection, the health reads and the previews use. */
export async function loadHealthConfig(db: Queryable): Promise<HealthConfigInForce> {
  const rows = await db.query(`SELECT version, overrides, churn, updated_by, updated_at, churn_applied_by, churn_applied_at, churn_backtest FROM health_config WHERE id = 1`);
  if (rows.length === 0) return DEFAULTS_IN_FORCE;
  const r = rows[0];
  if (cached && cached.version === r.version) return cached.value;
  const value: HealthConfigInForce = {
    version: r.version,
    overrides: r.overrides ?? {},
    churn: r.churn ?? null,
    // Validated when applied; a row that no longer validates (a key a later model dropped) falls back to the defaults rather than stopping the projection.
    config: safely(() => effectiveHealthConfig(r.overrides ?? {}, r.churn ?? null)),
    updatedBy: r.updated_by,
    updatedAt: new Date(r.updated_at).toISOString(),
    churnAppliedBy: r.churn_applied_by,
    churnAppliedAt: r.churn_applied_at ? new Date(r.churn_applied_at).toISOString() : null,
    churnBacktest: r.churn_backtest ?? null,
  };
  cached = { version: r.version, value };
  return value;
}

function safely(f: () => HealthConfig): HealthConfig {
  try {
    return f();
  } catch {
    return DEFAULTS_IN_FORCE.config;
  }
}

export interface HealthConfigChange {
  /** Set the weights and bands (replacing the previous overrides), or … */
  overrides?: Record<string, unknown>;
  /** … the churn model's coefficients, with the backtest they came from. */
  churn?: { coefficients: ChurnCoefficients; backtest: unknown };
  actorId: string;
  correlationId: string;
  now: Date;
  eventId: string;
}

/**
 * Applies a change: validated whole, recorded as a HealthConfigChanged event (the audit trail)
 * and as the row in force, and a rebuild of the customer read models asked for, all in one
 * transaction, so the stored health is what the new configuration gives from the whole log.
 */
export async function applyHealthConfig(store: EventStore, change: HealthConfigChange): Promise<HealthConfigInForce> {
  return store.transaction(async (tx) => {
    const rows = await tx.query(`SELECT version, overrides, churn, churn_applied_by, churn_applied_at, churn_backtest FROM health_config WHERE id = 1 FOR UPDATE`);
    const current = rows[0];
    const overrides: Record<string, unknown> = change.overrides ?? current?.overrides ?? {};
    if (change.overrides) assertNoChurnModel(change.overrides);
    const churn: ChurnCoefficients | null = change.churn ? change.churn.coefficients : (current?.churn ?? null);
    effectiveHealthConfig(overrides, churn);
    const version = (current?.version ?? 0) + 1;
    const changedAt = change.now.toISOString();
    const backtest = change.churn ? (change.churn.backtest ?? null) : (current?.churn_backtest ?? null);
    // Expected version "any": the row lock above already serialises writers.
    await store.handle(
      HEALTH_CONFIG_STREAM,
      alreadyDecided,
      [{ id: change.eventId, type: 'HealthConfigChanged', data: { version, part: change.churn ? 'churn' : 'health', overrides, churn, backtest: change.churn ? backtest : null, changedBy: change.actorId, changedAt } }],
      { correlationId: change.correlationId, actorId: change.actorId, tx },
    );
    const churnBy = change.churn ? change.actorId : (current?.churn_applied_by ?? null);
    const churnAt = change.churn ? change.now : (current?.churn_applied_at ?? null);
    await tx.query(
      `INSERT INTO health_config (id, version, overrides, churn, updated_by, updated_at, churn_applied_by, churn_applied_at, churn_backtest)
       VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, overrides = EXCLUDED.overrides, churn = EXCLUDED.churn, updated_by = EXCLUDED.updated_by,
         updated_at = EXCLUDED.updated_at, churn_applied_by = EXCLUDED.churn_applied_by, churn_applied_at = EXCLUDED.churn_applied_at, churn_backtest = EXCLUDED.churn_backtest`,
      [version, JSON.stringify(overrides), churn === null ? null : JSON.stringify(churn), change.actorId, change.now, churnBy, churnAt, backtest === null ? null : JSON.stringify(backtest)],
    );
    await ensureCheckpoints(tx, [SCORED_PROJECTION]);
    await requestRebuild(tx, SCORED_PROJECTION);
    return {
      version,
      overrides,
      churn,
      config: effectiveHealthConfig(overrides, churn),
      updatedBy: change.actorId,
      updatedAt: changedAt,
      churnAppliedBy: churnBy,
      churnAppliedAt: churnAt ? new Date(churnAt).toISOString() : null,
      churnBacktest: backtest,
    };
  });
}
