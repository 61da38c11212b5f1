export {
  DEFAULT_SCORING_CONFIG,
  MODEL,
  SHOWN_ONLY,
  SIGNAL_NAMES,
  SIGNALS,
  scoringConfig,
  type ModelFile,
  type ScoringConfig,
  type SignalName,
} from './config.js';
export { extractFeatures, type Feature, type FeatureContext } from './features.js';
export { classProbabilities, fitOrdinal, type FitOptions, type FitResult, type FitRow } from './fit.js';
export { internScore, relationalClass, SCORING_MODEL_VERSION, scoreTouchpoint, type ScoringContext } from './score.js';
export { findUnansweredInbound, type UnansweredInbound } from './unanswered.js';
