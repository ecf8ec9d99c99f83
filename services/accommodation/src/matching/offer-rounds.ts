import { randomUUID } from 'node:crypto';
import type { BedRequestUnmatched } from '@harbour/contracts';
import type { Logger, Outbox } from '@harbour/messaging';
import type { EntityManager } from 'typeorm';
import { explainNoMatch, matchBeds, type MatchOutcome } from '../domain/matching';
import { holdExpiresAt, type HoldMinutes, matchingWindowPassed } from '../domain/offer-hold';
import { exhaustedReason, nextOffers, unmatchedExplanation } from '../domain/offer-round';
import type { OfferEndReason, OfferRecord, OfferStore } from '../offers/offer-store';
import type { PropertyStore } from '../properties/property-store';
import type { BedRequestRecord, BedRequestStore } from '../requests/bed-request-store';
import { bedCandidateOf } from './bed-candidates';
import { placementEvent } from './placement-event';

export interface MatchingSettings {
  /** Offers open at once per request. */
  fanout: number;
  holdMinutes: HoldMinutes;
  staleAfterHours: number;
}

/** At most 20 lines of at most 300 characters (the event contracts' limits). */
function contractLines(lines: readonly string[]): string[] {
  return lines
    .filter((line) => line.trim().length > 0)
    .map((line) => (line.length > 300 ? `${line.slice(0, 299)}…` : line))
    .slice(0, 20);
}

/**
 * Moves a bed request on. Every caller holds the request's row lock (`FOR UPDATE`) inside the
 * transaction that also writes the outbox, so two changes to one request never interleave: the
 * consumer (a new request, a withdrawal), a provider's answer, and the timer poller.
 */
export class OfferRounds {
  constructor(
    private readonly requests: BedRequestStore,
    private readonly offers: OfferStore,
    private readonly properties: PropertyStore,
    private readonly outbox: Outbox,
    private readonly settings: MatchingSettings,
    private readonly logger: Logger,
  ) {}

  /** The matcher's verdict on every property for this request, now. */
  async evaluate(
    manager: EntityManager,
    request: BedRequestRecord,
    now: Date,
  ): Promise<MatchOutcome> {
    const candidates = (await this.properties.candidates(manager)).map(bedCandidateOf);
    return matchBeds(
      { needs: request.needs, exclusionZones: request.exclusionZones },
      candidates,
      now,
      { staleAfterHours: this.settings.staleAfterHours },
    );
  }

  /**
   * After anything changed: when the matching window has passed, the open offers end and the
   * request is unmatched; otherwise offers are topped up to the fan-out with the best-ranked
   * providers not yet asked, and when none is open and nobody is left, the request is unmatched.
   */
  async advance(manager: EntityManager, request: BedRequestRecord, now: Date): Promise<void> {
    if (request.state !== 'open') return;
    const offers = await this.offers.ofRequest(manager, request.id);
    const open = offers.filter((offer) => offer.state === 'offered');
    if (matchingWindowPassed(request.matchBy, now)) {
      await this.endOpenOffers(manager, request, open, 'matching_window_passed', now);
      const outcome = await this.evaluate(manager, request, now);
      await this.unmatch(manager, request, 'matching_window_passed', offers.length, outcome, now);
      return;
    }
    if (open.length >= this.settings.fanout) return;
    const outcome = await this.evaluate(manager, request, now);
    const asked = new Set(offers.map((offer) => offer.providerOrganisationId));
    const chosen = nextOffers(outcome.ranked, asked, open.length, this.settings.fanout);
    const expires = holdExpiresAt(request.urgency, now, this.settings.holdMinutes);
    for (const bed of chosen) {
      const offer = {
        id: randomUUID(),
        requestId: request.id,
        propertyId: bed.candidate.propertyId,
        providerOrganisationId: bed.candidate.providerOrganisationId,
        rank: Math.min(bed.rank, 1000),
        explanation: contractLines(bed.reasons),
        offeredAt: now,
        holdExpiresAt: expires,
      };
      await this.offers.insert(manager, offer);
      await this.outbox.add(
        manager,
        placementEvent('harbour.bed.offered', request.id, {
          requestId: request.id,
          offerId: offer.id,
          providerOrganisationId: offer.providerOrganisationId,
          propertyId: offer.propertyId,
          requestedBy: request.requestedBy,
          offeredAt: now.toISOString(),
          holdExpiresAt: expires.toISOString(),
          needs: request.needs,
          urgency: request.urgency,
          propertyLabel: bed.candidate.label.slice(0, 100),
          rank: offer.rank,
          explanation: offer.explanation,
        }),
      );
    }
    if (chosen.length > 0) {
      this.logger.info(
        { requestId: request.id, offers: chosen.length, open: open.length },
        'beds offered',
      );
    }
    if (open.length + chosen.length === 0) {
      await this.unmatch(manager, request, exhaustedReason(offers), offers.length, outcome, now);
    }
  }

  /**
   * Ends the open offers of a request and releases their holds: `expired` for a lapsed hold or
   * window, `withdrawn` when the request was placed elsewhere or withdrawn.
   */
  async endOpenOffers(
    manager: EntityManager,
    request: BedRequestRecord,
    open: readonly OfferRecord[],
    reason: Exclude<OfferEndReason, 'declined'>,
    now: Date,
  ): Promise<void> {
    const state =
      reason === 'hold_expired' || reason === 'matching_window_passed' ? 'expired' : 'withdrawn';
    for (const offer of open) {
      await this.offers.end(manager, offer.id, state, now, { endReason: reason });
      await this.outbox.add(
        manager,
        placementEvent('harbour.bed.offer-expired', request.id, {
          requestId: request.id,
          offerId: offer.id,
          providerOrganisationId: offer.providerOrganisationId,
          expiredAt: now.toISOString(),
          reason,
        }),
      );
    }
  }

  /** The request ends unmatched and the coordinator is told why, in words they can act on. */
  private async unmatch(
    manager: EntityManager,
    request: BedRequestRecord,
    reason: BedRequestUnmatched['reason'],
    offersMade: number,
    outcome: MatchOutcome,
    now: Date,
  ): Promise<void> {
    const lines = explainNoMatch(
      { needs: request.needs, exclusionZones: request.exclusionZones },
      outcome,
    );
    await this.requests.close(manager, request.id, 'unmatched', reason, now);
    await this.outbox.add(
      manager,
      placementEvent('harbour.bed-request.unmatched', request.id, {
        requestId: request.id,
        requestedBy: request.requestedBy,
        unmatchedAt: now.toISOString(),
        reason,
        offersMade: Math.min(offersMade, 1000),
        needs: request.needs,
        urgency: request.urgency,
        explanation: unmatchedExplanation(reason, offersMade, lines),
      }),
    );
    this.logger.info({ requestId: request.id, reason, offersMade }, 'bed request unmatched');
  }
}
