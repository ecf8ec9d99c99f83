import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import {
  Authorize,
  CurrentPrincipal,
  NotFoundProblem,
  type PersonalDataReads,
  personalFieldsOf,
  type Principal,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { PropertyStore } from '../properties/property-store';
import type { BedRequestStore } from '../requests/bed-request-store';
import {
  ACCOMMODATION_DATA_SOURCE,
  PERSONAL_DATA_READS,
  PLACEMENT_READS,
  PROPERTY_STORE,
} from '../tokens';
import type { PlacementStore } from './placement-store';
import { type PlacementReader, placementView, type PlacementView } from './placement-view';

/** What reading a placement needs: the placement, its property and request. */
export interface PlacementReads {
  placements: PlacementStore;
  requests: BedRequestStore;
}

@Controller('v1/placements')
export class PlacementsController {
  constructor(
    @Inject(PLACEMENT_READS) private readonly reads: PlacementReads,
    @Inject(PROPERTY_STORE) private readonly properties: PropertyStore,
    @Inject(ACCOMMODATION_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PERSONAL_DATA_READS) private readonly personalDataReads: PersonalDataReads,
  ) {}

  /**
   * The provider (with the person's names), the requesting organisation (where, not who or which
   * property) or a coordinator (no names); anyone else 404.
   */
  @Get(':id')
  @Authorize('accommodation.placement.read')
  async findOne(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PlacementView> {
    const manager = this.dataSource.manager;
    const placement = await this.reads.placements.find(manager, id);
    const request =
      placement === undefined
        ? undefined
        : await this.reads.requests.find(manager, placement.requestId);
    const property =
      placement === undefined
        ? undefined
        : await this.properties.find(manager, placement.propertyId);
    if (placement === undefined || request === undefined || property === undefined) {
      throw new NotFoundProblem('No such placement.');
    }
    const reader = readerOf(
      principal,
      placement.providerOrganisationId,
      request.requestedBy.organisationId,
    );
    if (reader === undefined) throw new NotFoundProblem('No such placement.');
    const names =
      reader === 'provider' ? await this.reads.requests.names(manager, request.id) : undefined;
    const view = placementView(placement, property, request, reader, names);
    await this.personalDataReads.record(principal, {
      resource: { kind: 'placement', id },
      fields: personalFieldsOf(view, ['person']),
      route: 'GET /v1/placements/:id',
    });
    return view;
  }
}

function readerOf(
  principal: Principal,
  providerId: string,
  requesterId: string,
): PlacementReader | undefined {
  if (
    principal.organisationKind === 'housing_provider' &&
    principal.organisationId === providerId
  ) {
    return 'provider';
  }
  if (principal.organisationId === requesterId) return 'requester';
  if (principal.organisationKind === 'coordinator') return 'coordinator';
  return undefined;
}
