import type { BedRequestUnmatched } from '@harbour/contracts';

export type OfferState = 'offered' | 'accepted' | 'declined' | 'expired' | 'withdrawn';

/** The part of a ranked bed a round needs (the matcher's `RankedBed` fits). */
export interface RankedProperty {
  candidate: { propertyId: string; providerOrganisationId: string };
}

/**
 * The beds to offer next: the best-ranked property of each provider not yet asked for this
 * request, until `fanout` offers are open. A provider is asked once per request (one open offer
 * per provider; a provider that declined or let the hold lapse is not asked again).
 */
export function nextOffers<T extends RankedProperty>(
  ranked: readonly T[],
  askedProviders: ReadonlySet<string>,
  openOffers: number,
  fanout: number,
): T[] {
  const chosen: T[] = [];
  const providers = new Set(askedProviders);
  for (const bed of ranked) {
    if (chosen.length >= fanout - openOffers) break;
    const provider = bed.candidate.providerOrganisationId;
    if (providers.has(provider)) continue;
    providers.add(provider);
    chosen.push(bed);
  }
  return chosen;
}

/**
 * Why a request that has no open offer and nobody left to ask is unmatched: nobody was ever
 * asked; everyone asked declined; or at least one hold lapsed unanswered (the coordinator's
 * first call is then to the providers who did not answer).
 */
export function exhaustedReason(
  endedOffers: readonly { state: OfferState }[],
): BedRequestUnmatched['reason'] {
  if (endedOffers.length === 0) return 'no_matching_vacancy';
  return endedOffers.every((offer) => offer.state === 'declined')
    ? 'all_offers_declined'
    : 'all_offers_expired';
}

/** The unmatched event's explanation: never empty, at most 20 lines of at most 300 characters. */
export function unmatchedExplanation(
  reason: BedRequestUnmatched['reason'],
  offersMade: number,
  lines: readonly string[],
): string[] {
  const lead: Record<BedRequestUnmatched['reason'], string> = {
    no_matching_vacancy: 'No property with a free bed matches this request',
    all_offers_declined: `Every provider offered the bed declined (${offersMade} offers)`,
    all_offers_expired: `No provider accepted in time (${offersMade} offers)`,
    matching_window_passed: `The matching window passed without a placement (${offersMade} offers)`,
  };
  return [lead[reason], ...lines]
    .filter((line) => line.trim().length > 0)
    .map((line) => (line.length > 300 ? `${line.slice(0, 299)}…` : line))
    .slice(0, 20);
}
