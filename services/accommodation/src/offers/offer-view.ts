import type { BedNeeds, BedUrgency } from '@harbour/contracts';
import { secondsLeft } from '../domain/offer-hold';
import type { OfferState } from '../domain/offer-round';
import type { ProviderOffer } from './offer-store';

/** An offer as its provider sees it: what the bed is needed for, never who needs it. */
export interface ProviderOfferView {
  offerId: string;
  requestId: string;
  propertyId: string;
  propertyLabel: string;
  state: OfferState;
  endReason: string | null;
  rank: number;
  needs: BedNeeds;
  urgency: BedUrgency;
  explanation: string[];
  offeredAt: string;
  holdExpiresAt: string;
  secondsLeft: number;
  decidedAt: string | null;
}

export function providerOfferView(offer: ProviderOffer, now: Date): ProviderOfferView {
  return {
    offerId: offer.id,
    requestId: offer.requestId,
    propertyId: offer.propertyId,
    propertyLabel: offer.propertyLabel,
    state: offer.state,
    endReason: offer.endReason ?? null,
    rank: offer.rank,
    needs: offer.needs,
    urgency: offer.urgency,
    explanation: offer.explanation,
    offeredAt: offer.offeredAt.toISOString(),
    holdExpiresAt: offer.holdExpiresAt.toISOString(),
    secondsLeft: offer.state === 'offered' ? secondsLeft(offer.holdExpiresAt, now) : 0,
    decidedAt: offer.decidedAt?.toISOString() ?? null,
  };
}
