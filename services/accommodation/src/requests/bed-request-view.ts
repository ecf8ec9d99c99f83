import { explainNoMatch, type MatchOutcome } from '../domain/matching';
import type { OfferRecord } from '../offers/offer-store';
import type { PlacementRecord } from '../placements/placement-store';
import type { PropertyRecord } from '../properties/property-store';
import type { BedRequestRecord } from './bed-request-store';

export interface RequestOfferView {
  offerId: string;
  state: OfferRecord['state'];
  endReason: string | null;
  rank: number;
  providerOrganisationId: string;
  offeredAt: string;
  holdExpiresAt: string;
  decidedAt: string | null;
}

export interface BedRequestView {
  requestId: string;
  state: BedRequestRecord['state'];
  closedReason: string | null;
  closedAt: string | null;
  requestedBy: BedRequestRecord['requestedBy'];
  borough: string;
  needs: BedRequestRecord['needs'];
  urgency: BedRequestRecord['urgency'];
  submittedAt: string;
  referralId: string | null;
  offers: RequestOfferView[];
  placement: {
    placementId: string;
    providerOrganisationId: string;
    borough: string;
    postcodeDistrict: string;
    confirmedAt: string;
  } | null;
}

function offerView(offer: OfferRecord): RequestOfferView {
  return {
    offerId: offer.id,
    state: offer.state,
    endReason: offer.endReason ?? null,
    rank: offer.rank,
    providerOrganisationId: offer.providerOrganisationId,
    offeredAt: offer.offeredAt.toISOString(),
    holdExpiresAt: offer.holdExpiresAt.toISOString(),
    decidedAt: offer.decidedAt?.toISOString() ?? null,
  };
}

export function bedRequestView(
  request: BedRequestRecord,
  offers: readonly OfferRecord[],
  placement: PlacementRecord | undefined,
  property: PropertyRecord | undefined,
): BedRequestView {
  return {
    requestId: request.id,
    state: request.state,
    closedReason: request.closedReason ?? null,
    closedAt: request.closedAt?.toISOString() ?? null,
    requestedBy: request.requestedBy,
    borough: request.borough,
    needs: request.needs,
    urgency: request.urgency,
    submittedAt: request.submittedAt.toISOString(),
    referralId: request.referralId ?? null,
    offers: offers.map(offerView),
    placement:
      placement === undefined || property === undefined
        ? null
        : {
            placementId: placement.id,
            providerOrganisationId: placement.providerOrganisationId,
            borough: property.borough,
            postcodeDistrict: property.postcodeDistrict,
            confirmedAt: placement.confirmedAt.toISOString(),
          },
  };
}

export interface MatchedPropertyView {
  propertyId: string;
  providerOrganisationId: string;
  label: string;
  borough: string;
  postcodeDistrict: string;
  freeBeds: number;
  verdict: 'ranked' | 'excluded';
  rank: number | null;
  score: number | null;
  stale: boolean | null;
  nearestExclusionKm: number | null;
  reasons: string[];
  /** What became of this provider's offer for the request, if it was asked. */
  offer: { offerId: string; state: OfferRecord['state']; endReason: string | null } | null;
}

export interface MatchingView {
  requestId: string;
  state: BedRequestRecord['state'];
  evaluatedAt: string;
  properties: MatchedPropertyView[];
  /** What the coordinator can act on when nobody (or nobody left) can take the person. */
  noMatch: string[];
}

export function matchingView(
  request: BedRequestRecord,
  outcome: MatchOutcome,
  offers: readonly OfferRecord[],
  now: Date,
): MatchingView {
  const offerOf = (providerId: string) => {
    const offer = offers.find((o) => o.providerOrganisationId === providerId);
    return offer === undefined
      ? null
      : { offerId: offer.id, state: offer.state, endReason: offer.endReason ?? null };
  };
  const ranked: MatchedPropertyView[] = outcome.ranked.map((bed) => ({
    propertyId: bed.candidate.propertyId,
    providerOrganisationId: bed.candidate.providerOrganisationId,
    label: bed.candidate.label,
    borough: bed.candidate.borough,
    postcodeDistrict: bed.candidate.postcodeDistrict,
    freeBeds: bed.candidate.freeBeds,
    verdict: 'ranked',
    rank: bed.rank,
    score: bed.score,
    stale: bed.stale,
    nearestExclusionKm: bed.nearestExclusionKm,
    reasons: bed.reasons,
    offer: offerOf(bed.candidate.providerOrganisationId),
  }));
  const excluded: MatchedPropertyView[] = outcome.excluded.map((bed) => ({
    propertyId: bed.candidate.propertyId,
    providerOrganisationId: bed.candidate.providerOrganisationId,
    label: bed.candidate.label,
    borough: bed.candidate.borough,
    postcodeDistrict: bed.candidate.postcodeDistrict,
    freeBeds: bed.candidate.freeBeds,
    verdict: 'excluded',
    rank: null,
    score: null,
    stale: null,
    nearestExclusionKm: null,
    reasons: bed.reasons,
    offer: offerOf(bed.candidate.providerOrganisationId),
  }));
  return {
    requestId: request.id,
    state: request.state,
    evaluatedAt: now.toISOString(),
    properties: [...ranked, ...excluded],
    noMatch: explainNoMatch(
      { needs: request.needs, exclusionZones: request.exclusionZones },
      outcome,
    ),
  };
}
