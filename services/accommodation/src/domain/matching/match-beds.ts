import type { BedCandidate } from './bed-candidate';
import { measureExclusionZones } from './exclusion-zones';
import { constraintReasons, failedConstraints } from './hard-constraints';
import type { ExcludedBed, MatchOutcome, MatchRequest, RankedBed } from './match-outcome';
import { rankCandidate } from './ranking';

/** Availability confirmed longer ago than this is stale unless the caller says otherwise. */
export const DEFAULT_STALE_AFTER_HOURS = 24;

const HOUR_MS = 3_600_000;

function byProviderThenProperty(a: BedCandidate, b: BedCandidate): number {
  if (a.providerOrganisationId !== b.providerOrganisationId) {
    return a.providerOrganisationId < b.providerOrganisationId ? -1 : 1;
  }
  if (a.propertyId !== b.propertyId) return a.propertyId < b.propertyId ? -1 : 1;
  return 0;
}

/**
 * Splits the directory into the properties that may be offered, best first, and those that may
 * not, each with its reasons. Pure and deterministic: the same request, candidates and `now`
 * give the same ranking whatever the candidates' order (ties by provider id, then property id).
 * Excluded properties keep the order they were given in (sorting thousands of them by id cost
 * more than all the matching).
 *
 * Runs on every request against the whole directory, so zones are measured once per call and a
 * candidate that fails costs no allocation until its reasons are written.
 */
export function matchBeds(
  request: MatchRequest,
  candidates: readonly BedCandidate[],
  now: Date,
  options: { staleAfterHours?: number } = {},
): MatchOutcome {
  const staleAfterHours = options.staleAfterHours ?? DEFAULT_STALE_AFTER_HOURS;
  if (!(staleAfterHours > 0) || !Number.isFinite(staleAfterHours)) {
    throw new RangeError(`staleAfterHours must be a positive number, not ${staleAfterHours}`);
  }
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('now is not a valid date');
  const staleAfterMs = staleAfterHours * HOUR_MS;
  const { needs } = request;
  const zones = measureExclusionZones(request.exclusionZones);

  const ranked: RankedBed[] = [];
  const excluded: ExcludedBed[] = [];
  for (const candidate of candidates) {
    const zone = zones.standing(candidate.borough);
    const failed = failedConstraints(needs, candidate, zone);
    if (failed !== 0) {
      excluded.push({ candidate, reasons: constraintReasons(failed, needs, candidate, zone) });
      continue;
    }
    const { score, stale, reasons } = rankCandidate(needs, candidate, zone, nowMs, staleAfterMs);
    ranked.push({ candidate, rank: 0, score, stale, nearestExclusionKm: zone.nearestKm, reasons });
  }

  ranked.sort((a, b) => b.score - a.score || byProviderThenProperty(a.candidate, b.candidate));
  ranked.forEach((bed, index) => {
    bed.rank = index + 1;
  });
  return { ranked, excluded };
}
