import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { Authorize, CurrentPrincipal, NotFoundProblem, type Principal } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { OfferRounds } from '../matching/offer-rounds';
import type { OfferStore } from '../offers/offer-store';
import type { PlacementStore } from '../placements/placement-store';
import type { PropertyStore } from '../properties/property-store';
import { ACCOMMODATION_DATA_SOURCE, BED_REQUEST_READS } from '../tokens';
import type { BedRequestStore } from './bed-request-store';
import {
  bedRequestView,
  type BedRequestView,
  matchingView,
  type MatchingView,
} from './bed-request-view';

export interface BedRequestReads {
  requests: BedRequestStore;
  offers: OfferStore;
  placements: PlacementStore;
  properties: PropertyStore;
  rounds: OfferRounds;
}

@Controller('v1/bed-requests')
export class BedRequestsController {
  constructor(
    @Inject(BED_REQUEST_READS) private readonly reads: BedRequestReads,
    @Inject(ACCOMMODATION_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  /** Where matching stands: the requesting organisation or a coordinator; no names. */
  @Get(':id')
  @Authorize('accommodation.bed-request.read')
  async findOne(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<BedRequestView> {
    const manager = this.dataSource.manager;
    const request = await this.reads.requests.find(manager, id);
    if (
      request === undefined ||
      (principal.organisationKind !== 'coordinator' &&
        request.requestedBy.organisationId !== principal.organisationId)
    ) {
      throw new NotFoundProblem('No such bed request.');
    }
    const offers = await this.reads.offers.ofRequest(manager, id);
    const placement = await this.reads.placements.ofRequest(manager, id);
    const property =
      placement === undefined
        ? undefined
        : await this.reads.properties.find(manager, placement.propertyId);
    return bedRequestView(request, offers, placement, property);
  }

  /**
   * Why each provider was or was not asked: the matcher run now over the whole directory, every
   * property ranked or excluded with its reasons, and what became of the offers already made.
   */
  @Get(':id/matching')
  @Authorize('accommodation.bed-request.matching')
  async matching(@Param('id', new ParseUUIDPipe()) id: string): Promise<MatchingView> {
    const manager = this.dataSource.manager;
    const request = await this.reads.requests.find(manager, id);
    if (request === undefined) throw new NotFoundProblem('No such bed request.');
    const now = new Date();
    const outcome = await this.reads.rounds.evaluate(manager, request, now);
    const offers = await this.reads.offers.ofRequest(manager, id);
    return matchingView(request, outcome, offers, now);
  }
}
