import { randomUUID } from 'node:crypto';
import type { OfferDecisionBody } from '@harbour/contracts';
import type { Logger, Outbox } from '@harbour/messaging';
import {
  type CommandContext,
  type CommandResult,
  type IdempotentTransaction,
  RequestRejected,
  type StoredResponse,
} from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import { decisionRefusal } from '../domain/offer-decision';
import type { OfferRounds } from '../matching/offer-rounds';
import { placementEvent } from '../matching/placement-event';
import { placementView } from '../placements/placement-view';
import type { PlacementStore } from '../placements/placement-store';
import type { PropertyRecord, PropertyStore } from '../properties/property-store';
import type { BedRequestRecord, BedRequestStore } from '../requests/bed-request-store';
import type { OfferRecord, OfferStore } from './offer-store';

/**
 * A provider's answer to an offer. Both run in ONE transaction holding the request's row lock
 * (then the offer's, then the property's, always in that order), so answers to offers of one
 * request — and the timers — are serialised; the first acceptance wins.
 */
export class DecideOffer {
  constructor(
    private readonly transaction: IdempotentTransaction,
    private readonly requests: BedRequestStore,
    private readonly offers: OfferStore,
    private readonly properties: PropertyStore,
    private readonly placements: PlacementStore,
    private readonly rounds: OfferRounds,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
    private readonly locationBase: string,
  ) {}

  execute(
    offerId: string,
    body: OfferDecisionBody,
    context: CommandContext,
  ): Promise<CommandResult> {
    const providerId = context.principal.organisationId;
    return this.transaction.run(context, async (manager, { now }) => {
      const sent = await this.offers.find(manager, offerId);
      // An offer sent to another provider is reported as absent, not forbidden.
      if (sent === undefined || sent.providerOrganisationId !== providerId) {
        throw new RequestRejected({ kind: 'not_found', message: 'No such offer.' });
      }
      const request = await this.requests.find(manager, sent.requestId, 'for_update');
      const offer = await this.offers.find(manager, offerId, 'for_update');
      if (request === undefined || offer === undefined) throw new Error('offer without request');
      const property =
        body.decision === 'accept'
          ? await this.properties.find(manager, offer.propertyId, 'for_update')
          : await this.properties.find(manager, offer.propertyId);
      if (property === undefined) throw new Error('offer without property');
      const refusal = decisionRefusal(body.decision, {
        requestState: request.state,
        offerState: offer.state,
        holdExpiresAt: offer.holdExpiresAt,
        now,
        availableBeds: property.availableBeds,
      });
      if (refusal !== undefined) throw new RequestRejected({ kind: 'conflict', message: refusal });
      return body.decision === 'accept'
        ? this.accept(manager, request, offer, property, now)
        : this.decline(manager, request, offer, body.declineReason, now);
    });
  }

  private async accept(
    manager: EntityManager,
    request: BedRequestRecord,
    offer: OfferRecord,
    property: PropertyRecord,
    now: Date,
  ): Promise<StoredResponse> {
    const placement = {
      id: randomUUID(),
      requestId: request.id,
      offerId: offer.id,
      propertyId: property.id,
      providerOrganisationId: offer.providerOrganisationId,
      confirmedAt: now,
    };
    await this.placements.insert(manager, placement);
    await this.properties.takeBed(manager, property, {
      at: now,
      organisationId: offer.providerOrganisationId,
      kind: 'placement',
    });
    await this.offers.end(manager, offer.id, 'accepted', now);
    const others = (await this.offers.ofRequest(manager, request.id)).filter(
      (other) => other.state === 'offered',
    );
    await this.rounds.endOpenOffers(manager, request, others, 'placed_elsewhere', now);
    await this.requests.close(manager, request.id, 'placed', 'placed', now);
    await this.outbox.add(
      manager,
      placementEvent('harbour.placement.confirmed', request.id, {
        requestId: request.id,
        placementId: placement.id,
        offerId: offer.id,
        providerOrganisationId: offer.providerOrganisationId,
        propertyId: property.id,
        requestedBy: request.requestedBy,
        borough: property.borough,
        confirmedAt: now.toISOString(),
      }),
    );
    this.logger.info(
      {
        requestId: request.id,
        offerId: offer.id,
        placementId: placement.id,
        withdrawn: others.length,
      },
      'placement confirmed',
    );
    // The only answer that names the person: the provider that takes them in needs to know who.
    const names = await this.requests.names(manager, request.id);
    const location = `${this.locationBase}/v1/placements/${placement.id}`;
    return {
      status: 201,
      body: placementView(placement, property, request, 'provider', names),
      location,
    };
  }

  private async decline(
    manager: EntityManager,
    request: BedRequestRecord,
    offer: OfferRecord,
    declineReason: OfferDecisionBody['declineReason'],
    now: Date,
  ): Promise<StoredResponse> {
    await this.offers.end(manager, offer.id, 'declined', now, {
      endReason: 'declined',
      ...(declineReason !== undefined ? { declineReason } : {}),
    });
    await this.outbox.add(
      manager,
      placementEvent('harbour.bed.offer-expired', request.id, {
        requestId: request.id,
        offerId: offer.id,
        providerOrganisationId: offer.providerOrganisationId,
        expiredAt: now.toISOString(),
        reason: 'declined',
      }),
    );
    // Move on at once: the next provider is asked (or the request ends unmatched).
    await this.rounds.advance(manager, request, now);
    this.logger.info({ requestId: request.id, offerId: offer.id }, 'offer declined');
    return {
      status: 200,
      body: {
        offerId: offer.id,
        requestId: request.id,
        state: 'declined',
        decidedAt: now.toISOString(),
      },
    };
  }
}
