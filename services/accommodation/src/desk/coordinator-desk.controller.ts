import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Authorize, type IdentityStore } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { PropertyStore } from '../properties/property-store';
import { ACCOMMODATION_DATA_SOURCE, COORDINATOR_DESK } from '../tokens';
import { bedAvailabilityView, type BedAvailabilityView } from './bed-availability';
import {
  readWaitingQuery,
  type WaitingRequests,
  type WaitingRequestsView,
} from './unmatched-requests';

export interface CoordinatorDesk {
  properties: PropertyStore;
  waiting: WaitingRequests;
  identity: Pick<IdentityStore, 'findOrganisation'>;
  staleAfterHours: number;
}

/**
 * The coordinator's view of London's beds and of the requests nobody has taken. Counts, needs,
 * boroughs and organisation names: no person's name, no address or postcode district, so
 * neither answer is a recorded read of personal data (as `GET /v1/bed-requests/{id}`).
 */
@Controller('v1')
export class CoordinatorDeskController {
  constructor(
    @Inject(COORDINATOR_DESK) private readonly desk: CoordinatorDesk,
    @Inject(ACCOMMODATION_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Get('bed-availability')
  @Authorize('accommodation.bed-availability.read')
  async availability(): Promise<BedAvailabilityView> {
    const now = new Date();
    const properties = await this.desk.properties.list(this.dataSource.manager);
    const names = await this.namesOf([...new Set(properties.map((p) => p.providerOrganisationId))]);
    return bedAvailabilityView(properties, names, now, this.desk.staleAfterHours);
  }

  @Get('waiting-bed-requests')
  @Authorize('accommodation.bed-request.waiting')
  waiting(@Query() query: Record<string, unknown>): Promise<WaitingRequestsView> {
    return this.desk.waiting.page(
      this.dataSource.manager,
      readWaitingQuery(query),
      (ids) => this.namesOf(ids),
      new Date(),
    );
  }

  private async namesOf(ids: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const found = await Promise.all(ids.map((id) => this.desk.identity.findOrganisation(id)));
    return new Map(
      found.flatMap((organisation) =>
        organisation === null ? [] : [[organisation.id, organisation.name] as const],
      ),
    );
  }
}
