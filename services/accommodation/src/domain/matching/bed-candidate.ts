import type { AccessNeed, NrmStage, SupportLevel } from '@harbour/contracts';

/** Who a property houses. `any` is a mixed property: the only kind for non-binary people. */
export type GenderServed = 'female' | 'male' | 'any';

/** Age groups a property takes; `family` means an adult (or 16–17) with accompanying children. */
export type PropertyAge = 'adult' | 'child_16_17' | 'family';

/**
 * One registered property as the matcher sees it: what it offers, how many beds are free right
 * now and how its provider has answered offers before. The service builds these from its tables;
 * the matcher never reads a database.
 */
export interface BedCandidate {
  propertyId: string;
  providerOrganisationId: string;
  /** The provider's own name for the property: for the provider and coordinators only. */
  label: string;
  /** GSS code of the borough: distances and exclusion zones are measured from its centroid. */
  borough: string;
  postcodeDistrict: string;
  genderServed: GenderServed;
  ages: readonly PropertyAge[];
  childrenAccepted: number;
  accessibility: readonly AccessNeed[];
  /** ISO 639-1 codes the staff speak. */
  languages: readonly string[];
  supportLevel: SupportLevel;
  nrmStages: readonly NrmStage[];
  nrpfAccepted: boolean;
  /** Available beds minus the beds held by open offers. */
  freeBeds: number;
  availabilityConfirmedAt: Date;
  /** The provider's offers so far (all its properties): offers ≥ accepted + declined + expired. */
  history: { offers: number; accepted: number; declined: number; expired: number };
}
