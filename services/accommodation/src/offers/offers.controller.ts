import { Controller, Get, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  Authorize,
  type CommandExchange,
  CurrentPrincipal,
  Exchange,
  handleCommand,
  type Principal,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { ACCOMMODATION_DATA_SOURCE, OFFER_DECISIONS, OFFER_STORE } from '../tokens';
import type { DecideOffer } from './decide-offer';
import type { OfferStore } from './offer-store';
import { providerOfferView, type ProviderOfferView } from './offer-view';

@Controller('v1/offers')
export class OffersController {
  constructor(
    @Inject(OFFER_DECISIONS) private readonly decide: DecideOffer,
    @Inject(OFFER_STORE) private readonly offers: OfferStore,
    @Inject(ACCOMMODATION_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  /** The provider's own offers, open ones first: needs, urgency and the hold, never names. */
  @Get()
  @Authorize('accommodation.offer.list')
  async list(@CurrentPrincipal() principal: Principal): Promise<{ offers: ProviderOfferView[] }> {
    const now = new Date();
    const offers = await this.offers.ofProvider(this.dataSource.manager, principal.organisationId);
    return { offers: offers.map((offer) => providerOfferView(offer, now)) };
  }

  @Post(':id/decision')
  @Authorize('accommodation.offer.decide')
  decision(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(exchange, principal, 'offer-decision', (body, context) =>
      this.decide.execute(id, body, context),
    );
  }
}
