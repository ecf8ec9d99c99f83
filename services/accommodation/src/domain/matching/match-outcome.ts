import type { BedNeeds, ExclusionZones } from '@harbour/contracts';
import type { BedCandidate } from './bed-candidate';

/** What the person needs and where they must not be placed: nothing that names them. */
export interface MatchRequest {
  needs: BedNeeds;
  exclusionZones: ExclusionZones;
}

/** A property that meets every hard constraint, in offer order. */
export interface RankedBed {
  candidate: BedCandidate;
  /** 1-based position in the ranking. */
  rank: number;
  /** 0–100, higher is better; a stale property always scores below every fresh one. */
  score: number;
  /** Availability was last confirmed longer ago than the stale setting allows. */
  stale: boolean;
  /** Centroid distance to the nearest exclusion zone's borough; null when there is no zone. */
  nearestExclusionKm: number | null;
  /** Why it ranks where it does, in plain words (shown to the coordinator, sent with the offer). */
  reasons: string[];
}

/** A property that fails at least one hard constraint; every failed constraint has a reason. */
export interface ExcludedBed {
  candidate: BedCandidate;
  reasons: string[];
}

export interface MatchOutcome {
  ranked: RankedBed[];
  excluded: ExcludedBed[];
}
