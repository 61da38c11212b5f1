export {
  DEFAULT_SCORING_CONFIG,
  SCORING_DIMENSIONS,
  SIGNAL_NAMES,
  scoringConfig,
  type ScoringConfig,
  type ScoringDimension,
  type ScoringPhrases,
  type SignalName,
} from './config.js';
export { internScore, relationalClass, scoreTouchpoint, type ScoringContext } from './score.js';
export { findUnansweredInbound, type UnansweredInbound } from './unanswered.js';
