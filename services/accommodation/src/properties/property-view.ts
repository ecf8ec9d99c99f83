import { freeBeds, isStale } from '../domain/property';
import type { PropertyRecord } from './property-store';

/** A property as its provider and coordinators read it (never an address: the district only). */
export interface PropertyView {
  propertyId: string;
  providerOrganisationId: string;
  label: string;
  borough: string;
  postcodeDistrict: string;
  genderServed: PropertyRecord['genderServed'];
  ages: PropertyRecord['ages'];
  childrenAccepted: number;
  accessibility: PropertyRecord['accessibility'];
  languages: string[];
  supportLevel: PropertyRecord['supportLevel'];
  nrmStages: PropertyRecord['nrmStages'];
  nrpfAccepted: boolean;
  beds: number;
  availableBeds: number;
  heldBeds: number;
  freeBeds: number;
  availabilityConfirmedAt: string;
  stale: boolean;
  registeredAt: string;
}

export function propertyView(
  property: PropertyRecord,
  now: Date,
  staleAfterHours: number,
): PropertyView {
  return {
    propertyId: property.id,
    providerOrganisationId: property.providerOrganisationId,
    label: property.label,
    borough: property.borough,
    postcodeDistrict: property.postcodeDistrict,
    genderServed: property.genderServed,
    ages: property.ages,
    childrenAccepted: property.childrenAccepted,
    accessibility: property.accessibility,
    languages: property.languages,
    supportLevel: property.supportLevel,
    nrmStages: property.nrmStages,
    nrpfAccepted: property.nrpfAccepted,
    beds: property.beds,
    availableBeds: property.availableBeds,
    heldBeds: property.heldBeds,
    freeBeds: freeBeds(property.availableBeds, property.heldBeds),
    availabilityConfirmedAt: property.availabilityConfirmedAt.toISOString(),
    stale: isStale(property.availabilityConfirmedAt, now, staleAfterHours),
    registeredAt: property.registeredAt.toISOString(),
  };
}
