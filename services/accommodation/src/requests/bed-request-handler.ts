import type { BedRequestSubmitted, BedRequestWithdrawn } from '@harbour/contracts';
import type { HarbourEvent, Logger } from '@harbour/messaging';
import type { EntityManager } from 'typeorm';
import type { OfferRounds } from '../matching/offer-rounds';
import type { OfferStore } from '../offers/offer-store';
import type { BedRequestStore } from './bed-request-store';

/**
 * Intake's bed-request events, each handled in the consumer's transaction with its inbox row:
 * the request stored and the first offers made (or the request unmatched) commit together.
 */
export class BedRequestHandler {
  constructor(
    private readonly requests: BedRequestStore,
    private readonly offers: OfferStore,
    private readonly rounds: OfferRounds,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async onSubmitted(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as BedRequestSubmitted;
    const names = data.person;
    const inserted = await this.requests.insert(manager, {
      id: data.requestId,
      requestedBy: data.submittedBy,
      borough: data.borough,
      needs: data.needs,
      urgency: data.urgency,
      exclusionZones: data.exclusionZones,
      // Names only: accommodation has no use for a date of birth.
      person:
        names === undefined
          ? undefined
          : {
              ...(names.givenName !== undefined ? { givenName: names.givenName } : {}),
              ...(names.familyName !== undefined ? { familyName: names.familyName } : {}),
            },
      referralId: data.referralId,
      submittedAt: new Date(data.submittedAt),
    });
    if (!inserted) {
      this.logger.warn(
        { requestId: data.requestId, eventId: event.id },
        'bed request already stored',
      );
      return;
    }
    const request = await this.requests.find(manager, data.requestId, 'for_update');
    if (request === undefined) throw new Error('bed request vanished after insert');
    await this.rounds.advance(manager, request, this.clock());
  }

  async onWithdrawn(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as BedRequestWithdrawn;
    const request = await this.requests.find(manager, data.requestId, 'for_update');
    if (request === undefined) {
      this.logger.warn(
        { requestId: data.requestId, eventId: event.id },
        'withdrawal of an unknown bed request',
      );
      return;
    }
    if (request.state === 'placed' || request.state === 'withdrawn') {
      this.logger.info(
        { requestId: request.id, state: request.state },
        'withdrawal of a closed bed request; nothing to do',
      );
      return;
    }
    const now = this.clock();
    const open = (await this.offers.ofRequest(manager, request.id)).filter(
      (offer) => offer.state === 'offered',
    );
    await this.rounds.endOpenOffers(manager, request, open, 'request_withdrawn', now);
    await this.requests.close(manager, request.id, 'withdrawn', data.reason, now);
    this.logger.info({ requestId: request.id, offers: open.length }, 'bed request withdrawn');
  }
}
