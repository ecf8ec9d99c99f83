import type { BedNeeds } from '@harbour/contracts';
import type { BedCandidate } from './bed-candidate';
import type { ZoneStanding } from './exclusion-zones';
import { count, elapsed, km } from './wording';

/** Beyond this a zone is far enough away that more distance earns nothing more. */
export const DISTANCE_CAP_KM = 25;

/**
 * How much each preference weighs among properties of the same freshness. Distance from the
 * exploiter first (safety beyond the hard zone), then being understood, then a provider likely
 * to answer, then how recently the availability was confirmed.
 */
const WEIGHTS = { distance: 0.4, language: 0.3, history: 0.2, recency: 0.1 } as const;

/**
 * A provider with no history counts as accepting half its offers, as if it had answered 4 (2
 * accepted, 2 not), so one early decline does not sink it and one acceptance does not crown it.
 */
const PRIOR_ACCEPTED = 2;
const PRIOR_OFFERS = 4;

/** Neutral value of a preference the request gives no basis for (no zone, no language). */
const NEUTRAL = 0.5;

export interface Ranking {
  score: number;
  stale: boolean;
  reasons: string[];
}

/**
 * Acceptance rate pulled towards one half for providers with few offers; an expired offer counts
 * twice against the provider, because an unanswered hold costs the person the hold's time.
 */
export function historyScore({ offers, accepted, expired }: BedCandidate['history']): number {
  const rate = (accepted + PRIOR_ACCEPTED) / (offers + expired + PRIOR_OFFERS);
  return Math.min(1, Math.max(0, rate));
}

function historyReason({ offers, accepted, expired }: BedCandidate['history']): string {
  if (offers === 0) return 'no offers made to this provider yet';
  const base = `accepted ${accepted} of ${count(offers, 'offer', 'offers')}`;
  return expired > 0 ? `${base}, ${expired} left to expire unanswered` : base;
}

/**
 * Scores a property that passed every hard constraint: 0–100, where a fresh property scores
 * 50–100 and a stale one 0–50, so an unconfirmed bed is only offered after every confirmed one.
 */
export function rankCandidate(
  needs: BedNeeds,
  candidate: BedCandidate,
  zone: ZoneStanding,
  nowMs: number,
  staleAfterMs: number,
): Ranking {
  const reasons: string[] = [count(candidate.freeBeds, 'free bed', 'free beds')];

  let distance = NEUTRAL;
  if (zone.nearestKm !== null) {
    distance = Math.min(zone.nearestKm, DISTANCE_CAP_KM) / DISTANCE_CAP_KM;
    reasons.push(`${km(zone.nearestKm)} from the nearest exclusion zone`);
  } else {
    reasons.push('no exclusion zone given');
  }

  let language = NEUTRAL;
  if (needs.languages.length > 0) {
    const spoken = needs.languages.filter((code) => candidate.languages.includes(code));
    language = spoken.length > 0 ? 1 : 0;
    reasons.push(
      spoken.length > 0
        ? `speaks ${spoken.join(', ')}`
        : `speaks none of ${needs.languages.join(', ')}`,
    );
  }

  const ageMs = Math.max(0, nowMs - candidate.availabilityConfirmedAt.getTime());
  const stale = !(ageMs <= staleAfterMs);
  const recency = stale ? 0 : 1 - ageMs / staleAfterMs;
  reasons.push(
    stale
      ? `availability last confirmed ${elapsed(ageMs)} ago: stale, ranked after confirmed beds`
      : `availability confirmed ${elapsed(ageMs)} ago`,
  );

  const history = historyScore(candidate.history);
  reasons.push(historyReason(candidate.history));

  const preference =
    WEIGHTS.distance * distance +
    WEIGHTS.language * language +
    WEIGHTS.history * history +
    WEIGHTS.recency * recency;
  // Rounded so that equal-looking scores tie and the tie-break decides, the same on every run.
  const score = Math.round(((stale ? 0 : 50) + 50 * preference) * 100) / 100;
  return { score, stale, reasons };
}
