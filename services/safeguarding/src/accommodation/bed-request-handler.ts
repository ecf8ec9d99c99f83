import type {
  BedOffered,
  BedOfferExpired,
  BedRequestUnmatched,
  OrganisationRef,
  PlacementConfirmed,
} from '@harbour/contracts';
import type { HarbourEvent, Logger } from '@harbour/messaging';
import type { EntityManager } from 'typeorm';
import type { AlertCause, AlertPublisher } from '../alerts/alert-publisher';
import {
  BED_REQUEST_UNMATCHED_COORDINATOR_RULE,
  BED_REQUEST_UNMATCHED_REQUESTER_RULE,
  type BedAlertSettings,
  bedOfferAlert,
  bedPlacedAlert,
  bedUnmatchedAlerts,
  OFFER_ACCEPTED_REASON,
  offerClosedReason,
} from '../domain/bed-alert-rules';
import type { BedRequestAlertStore } from './bed-request-alert-store';

/** Why the unmatched alerts close when the request is placed after all. */
export const PLACED_AFTER_UNMATCHED_REASON = 'A bed was found — placement confirmed';

/** Why an offer whose hold had expired before safeguarding heard of it is never sent. */
const HOLD_ALREADY_EXPIRED = 'hold expired before the offer could be sent';

/**
 * Accommodation's placement topic, one event at a time inside the consumer's transaction (the
 * offer and outcome rows, alert decisions and outbox rows commit together; a redelivery is a
 * no-op): offered → the provider's alert; offer expired → that alert closed with the reason;
 * placement → the accepted offer's alert closed, any other still live released, the requester
 * told; unmatched → the coordinator and the requester told.
 */
export class BedRequestHandler {
  constructor(
    private readonly store: BedRequestAlertStore,
    private readonly alerts: AlertPublisher,
    private readonly settings: BedAlertSettings,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Every bed request alert names the requester as the owner of its cause. */
  private causeOf(requestId: string, requestedBy: OrganisationRef, eventId: string): AlertCause {
    return {
      kind: 'bed_request',
      id: requestId,
      eventId,
      ownerOrganisationId: requestedBy.organisationId,
    };
  }

  async onOffered(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as BedOffered;
    const ids = { requestId: data.requestId, offerId: data.offerId };
    const claimed = await this.store.claimOffer(manager, {
      offerId: data.offerId,
      requestId: data.requestId,
      providerOrganisationId: data.providerOrganisationId,
      eventId: event.id,
    });
    if (!claimed) {
      this.logger.warn({ ...ids, eventId: event.id }, 'bed offer already recorded or ended');
      return;
    }
    const now = this.clock();
    if (Date.parse(data.holdExpiresAt) <= now.getTime()) {
      // Nobody can accept it any more: a critical alert would only be closed at once.
      await this.store.closeUnsent(manager, data.offerId, HOLD_ALREADY_EXPIRED, event.id);
      this.logger.warn(ids, 'bed offer arrived after its hold expired; no alert');
      return;
    }
    const decision = bedOfferAlert(data, now, this.settings);
    const alertId = await this.alerts.request(
      manager,
      this.causeOf(data.requestId, data.requestedBy, event.id),
      decision,
    );
    await this.store.setAlert(manager, data.offerId, alertId);
    this.logger.info({ ...ids, alertId, rule: decision.rule }, 'bed offer; provider alerted');
  }

  async onOfferExpired(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as BedOfferExpired;
    const ids = { requestId: data.requestId, offerId: data.offerId, reason: data.reason };
    const alertId = await this.store.closeOffer(
      manager,
      data,
      offerClosedReason(data.reason),
      event.id,
    );
    if (alertId === undefined) {
      this.logger.warn(
        { ...ids, eventId: event.id },
        'offer ended with no live alert (already closed, or never recorded); skipped',
      );
      return;
    }
    await this.alerts.cancel(manager, alertId, offerClosedReason(data.reason));
    this.logger.info({ ...ids, alertId }, 'bed offer ended; alert closed');
  }

  async onPlacementConfirmed(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as PlacementConfirmed;
    const ids = { requestId: data.requestId, placementId: data.placementId };
    const recorded = await this.store.recordOutcome(manager, {
      requestId: data.requestId,
      outcome: 'placed',
      placementId: data.placementId,
      requesterOrganisationId: data.requestedBy.organisationId,
      eventId: event.id,
    });
    if (!recorded) {
      this.logger.warn({ ...ids, eventId: event.id }, 'placement already recorded');
      return;
    }
    const accepted = await this.store.closeOffer(manager, data, OFFER_ACCEPTED_REASON, event.id);
    if (accepted !== undefined) {
      await this.alerts.cancel(manager, accepted, OFFER_ACCEPTED_REASON);
    }
    // Accommodation releases the other holds with their own expiry events; a provider must not
    // be left chasing a bed already found if one of those is late.
    const released = await this.closeLiveOffers(
      manager,
      data.requestId,
      offerClosedReason('placed_elsewhere'),
      event.id,
    );
    const unmatched = await this.store.alertsByRule(manager, data.requestId, [
      BED_REQUEST_UNMATCHED_COORDINATOR_RULE,
      BED_REQUEST_UNMATCHED_REQUESTER_RULE,
    ]);
    for (const alertId of unmatched) {
      await this.alerts.cancel(manager, alertId, PLACED_AFTER_UNMATCHED_REASON);
    }
    const decision = bedPlacedAlert(data, this.settings);
    const alertId = await this.alerts.request(
      manager,
      this.causeOf(data.requestId, data.requestedBy, event.id),
      decision,
    );
    this.logger.info(
      {
        ...ids,
        alertId,
        rule: decision.rule,
        acceptedOfferClosed: accepted !== undefined,
        othersReleased: released,
        unmatchedClosed: unmatched.length,
      },
      'placement confirmed; requester told',
    );
  }

  async onUnmatched(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as BedRequestUnmatched;
    const recorded = await this.store.recordOutcome(manager, {
      requestId: data.requestId,
      outcome: 'unmatched',
      requesterOrganisationId: data.requestedBy.organisationId,
      eventId: event.id,
    });
    if (!recorded) {
      this.logger.warn(
        { requestId: data.requestId, eventId: event.id },
        'unmatched request already recorded',
      );
      return;
    }
    const released = await this.closeLiveOffers(
      manager,
      data.requestId,
      offerClosedReason('matching_window_passed'),
      event.id,
    );
    const decisions = bedUnmatchedAlerts(data);
    const cause = this.causeOf(data.requestId, data.requestedBy, event.id);
    const alertIds: string[] = [];
    for (const decision of decisions) {
      alertIds.push(await this.alerts.request(manager, cause, decision));
    }
    this.logger.info(
      {
        requestId: data.requestId,
        reason: data.reason,
        offersMade: data.offersMade,
        alertIds,
        rules: decisions.map((d) => d.rule),
        othersReleased: released,
      },
      'bed request unmatched; coordinator and requester told',
    );
  }

  /** Closes and cancels every offer alert of the request still live; returns how many. */
  private async closeLiveOffers(
    manager: EntityManager,
    requestId: string,
    reason: string,
    eventId: string,
  ): Promise<number> {
    const alertIds = await this.store.closeLiveOffers(manager, requestId, reason, eventId);
    for (const alertId of alertIds) await this.alerts.cancel(manager, alertId, reason);
    return alertIds.length;
  }
}
