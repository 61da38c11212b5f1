export type { Band, RiskLevel, Driver, HealthInput, HealthFact, HealthOutcome, ChurnRisk, HealthView, HealthHistoryPoint, HealthNote, ChurnFeatures, ChurnFeature } from './types.js';
export { DEFAULT_HEALTH_CONFIG, HEALTH_MODEL_VERSION, healthConfig, type HealthConfig } from './config.js';
export { computeHealth, healthHistory, bandOf, churnAssessment, type ChurnAssessment } from './health.js';
export * from './churn-fit.js';
export { CHURN_FEATURE_NAMES } from './churn-features.js';
export * from './backtest-metrics.js';
export { nothingRecordedNote } from './explanation.js';
export { churnedAt } from './churned.js';
