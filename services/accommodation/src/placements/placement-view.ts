import type { PropertyRecord } from '../properties/property-store';
import type { BedRequestRecord, PersonNames } from '../requests/bed-request-store';
import type { PlacementRecord } from './placement-store';

/** Who reads a placement decides what they see: only the provider gets the names. */
export type PlacementReader = 'provider' | 'requester' | 'coordinator';

export interface PlacementView {
  placementId: string;
  requestId: string;
  providerOrganisationId: string;
  borough: string;
  postcodeDistrict: string;
  confirmedAt: string;
  offerId?: string;
  propertyId?: string;
  propertyLabel?: string;
  needs?: BedRequestRecord['needs'];
  urgency?: BedRequestRecord['urgency'];
  person?: PersonNames;
}

export function placementView(
  placement: PlacementRecord,
  property: PropertyRecord,
  request: BedRequestRecord,
  reader: PlacementReader,
  names?: PersonNames,
): PlacementView {
  const base: PlacementView = {
    placementId: placement.id,
    requestId: placement.requestId,
    providerOrganisationId: placement.providerOrganisationId,
    borough: property.borough,
    postcodeDistrict: property.postcodeDistrict,
    confirmedAt: placement.confirmedAt.toISOString(),
  };
  switch (reader) {
    case 'requester':
      return base;
    case 'coordinator':
      return {
        ...base,
        offerId: placement.offerId,
        propertyId: placement.propertyId,
        propertyLabel: property.label,
      };
    case 'provider':
      return {
        ...base,
        offerId: placement.offerId,
        propertyId: placement.propertyId,
        propertyLabel: property.label,
        needs: request.needs,
        urgency: request.urgency,
        person: names ?? {},
      };
  }
}
