import type { BedCandidate } from '../domain/matching';
import { freeBeds } from '../domain/property';
import type { PropertyWithHistory } from '../properties/property-store';

/** A stored property as the matcher sees it: free beds are available less held. */
export function bedCandidateOf(property: PropertyWithHistory): BedCandidate {
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
    freeBeds: freeBeds(property.availableBeds, property.heldBeds),
    availabilityConfirmedAt: property.availabilityConfirmedAt,
    history: property.history,
  };
}
