import { randomUUID } from 'node:crypto';
import type { PropertyAvailabilityBody, PropertyRegistrationBody } from '@harbour/contracts';
import {
  type CommandContext,
  type CommandResult,
  type IdempotentTransaction,
  RequestRejected,
} from '@harbour/platform';
import {
  availabilityIssues,
  normaliseDistrict,
  propertyRegistrationIssues,
} from '../domain/property';
import type { PropertyStore } from './property-store';
import { propertyView } from './property-view';

/** Registering a property and keeping its availability current, each in one transaction. */
export class PropertyCommands {
  constructor(
    private readonly transaction: IdempotentTransaction,
    private readonly properties: PropertyStore,
    private readonly staleAfterHours: number,
    private readonly locationBase: string,
  ) {}

  register(body: PropertyRegistrationBody, context: CommandContext): Promise<CommandResult> {
    const issues = propertyRegistrationIssues(body);
    if (issues.length > 0) throw new RequestRejected({ kind: 'invalid', issues });
    const { principal } = context;
    return this.transaction.run(context, async (manager, { now }) => {
      const id = randomUUID();
      await this.properties.insert(
        manager,
        {
          id,
          providerOrganisationId: principal.organisationId,
          label: body.label,
          borough: body.borough,
          postcodeDistrict: normaliseDistrict(body.postcodeDistrict),
          genderServed: body.genderServed,
          ages: body.ages,
          childrenAccepted: body.childrenAccepted ?? 0,
          accessibility: body.accessibility ?? [],
          languages: body.languages ?? [],
          supportLevel: body.supportLevel,
          nrmStages: body.nrmStages,
          nrpfAccepted: body.nrpfAccepted,
          beds: body.beds,
          availableBeds: body.availableBeds,
          availabilityConfirmedAt: now,
          registeredAt: now,
        },
        {
          at: now,
          organisationId: principal.organisationId,
          keyId: principal.keyId,
          kind: 'registered',
        },
      );
      const property = await this.properties.find(manager, id);
      if (property === undefined) throw new Error('property vanished after insert');
      const location = `${this.locationBase}/v1/properties/${id}`;
      return {
        status: 201,
        body: propertyView(property, now, this.staleAfterHours),
        location,
      };
    });
  }

  /**
   * The provider's count of beds free now; the same number confirms it. Beds held by open
   * offers are not part of the check (they are shown as held, and free = available − held).
   */
  setAvailability(
    propertyId: string,
    body: PropertyAvailabilityBody,
    context: CommandContext,
  ): Promise<CommandResult> {
    const { principal } = context;
    return this.transaction.run(context, async (manager, { now }) => {
      const property = await this.properties.find(manager, propertyId, 'for_update');
      if (property === undefined || property.providerOrganisationId !== principal.organisationId) {
        throw new RequestRejected({ kind: 'not_found', message: 'No such property.' });
      }
      const issues = availabilityIssues(property.beds, body.availableBeds);
      if (issues.length > 0) throw new RequestRejected({ kind: 'invalid', issues });
      await this.properties.setAvailability(manager, property, body.availableBeds, {
        at: now,
        organisationId: principal.organisationId,
        keyId: principal.keyId,
        kind: body.availableBeds === property.availableBeds ? 'confirmed' : 'changed',
      });
      const updated = await this.properties.find(manager, propertyId);
      if (updated === undefined) throw new Error('property vanished after update');
      return { status: 200, body: propertyView(updated, now, this.staleAfterHours) };
    });
  }
}
