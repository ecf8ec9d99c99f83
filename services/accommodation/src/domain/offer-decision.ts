import type { OfferState } from './offer-round';

export type BedRequestState = 'open' | 'placed' | 'unmatched' | 'withdrawn';

/** What an acceptance or a decline is checked against, read under the request's and property's locks. */
export interface DecisionContext {
  requestState: BedRequestState;
  offerState: OfferState;
  holdExpiresAt: Date;
  now: Date;
  /** Beds available at the property (the accepting offer's own hold is one of them). */
  availableBeds: number;
}

/**
 * Why a provider's answer is refused (a 409), or undefined when it stands. The first acceptance
 * wins: once placed, every other answer is refused; a lapsed hold cannot be accepted even if the
 * timer has not yet recorded it.
 */
export function decisionRefusal(
  decision: 'accept' | 'decline',
  context: DecisionContext,
): string | undefined {
  const { requestState, offerState, holdExpiresAt, now } = context;
  if (requestState === 'placed') return 'The request has already been placed.';
  if (requestState !== 'open') return `The request is no longer open (${requestState}).`;
  if (offerState !== 'offered') return `The offer is no longer open (${offerState}).`;
  if (now.getTime() >= holdExpiresAt.getTime()) {
    return `The hold expired at ${holdExpiresAt.toISOString()}.`;
  }
  if (decision === 'accept' && context.availableBeds < 1) {
    return 'No bed is left at this property: update its availability or decline the offer.';
  }
  return undefined;
}
