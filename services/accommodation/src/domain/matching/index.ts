export type { BedCandidate, GenderServed, PropertyAge } from './bed-candidate';
export { explainNoMatch } from './explain-no-match';
export { DEFAULT_STALE_AFTER_HOURS, matchBeds } from './match-beds';
export type { ExcludedBed, MatchOutcome, MatchRequest, RankedBed } from './match-outcome';
