import { Controller, Get, Inject, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import {
  Authorize,
  type CommandExchange,
  CurrentPrincipal,
  Exchange,
  handleCommand,
  NotFoundProblem,
  type Principal,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import {
  ACCOMMODATION_DATA_SOURCE,
  PROPERTY_COMMANDS,
  PROPERTY_STORE,
  STALE_AFTER_HOURS,
} from '../tokens';
import type { PropertyCommands } from './property-commands';
import type { PropertyStore } from './property-store';
import { propertyView, type PropertyView } from './property-view';

@Controller('v1/properties')
export class PropertiesController {
  constructor(
    @Inject(PROPERTY_COMMANDS) private readonly commands: PropertyCommands,
    @Inject(PROPERTY_STORE) private readonly properties: PropertyStore,
    @Inject(ACCOMMODATION_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(STALE_AFTER_HOURS) private readonly staleAfterHours: number,
  ) {}

  @Post()
  @Authorize('accommodation.property.register')
  register(
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(exchange, principal, 'property-registration', (body, context) =>
      this.commands.register(body, context),
    );
  }

  /** A provider's own properties; a coordinator's view of the whole directory. */
  @Get()
  @Authorize('accommodation.property.list')
  async list(@CurrentPrincipal() principal: Principal): Promise<{ properties: PropertyView[] }> {
    const now = new Date();
    const properties = await this.properties.list(
      this.dataSource.manager,
      principal.organisationKind === 'coordinator' ? undefined : principal.organisationId,
    );
    return { properties: properties.map((p) => propertyView(p, now, this.staleAfterHours)) };
  }

  @Get(':id')
  @Authorize('accommodation.property.read')
  async findOne(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PropertyView> {
    const property = await this.properties.find(this.dataSource.manager, id);
    // Another provider's property is reported as absent, not forbidden: no existence leak.
    if (
      property === undefined ||
      (principal.organisationKind !== 'coordinator' &&
        property.providerOrganisationId !== principal.organisationId)
    ) {
      throw new NotFoundProblem('No such property.');
    }
    return propertyView(property, new Date(), this.staleAfterHours);
  }

  @Put(':id/availability')
  @Authorize('accommodation.property.availability')
  setAvailability(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(exchange, principal, 'property-availability', (body, context) =>
      this.commands.setAvailability(id, body, context),
    );
  }
}
