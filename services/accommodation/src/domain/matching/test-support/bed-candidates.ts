import type { BedNeeds, ExclusionZones } from '@harbour/contracts';
import type { BedCandidate } from '../bed-candidate';
import type { MatchRequest } from '../match-outcome';

/** GSS codes the tests name. */
export const BOROUGH = {
  camden: 'E09000007',
  islington: 'E09000019',
  hackney: 'E09000012',
  havering: 'E09000016',
  hillingdon: 'E09000017',
  bromley: 'E09000006',
  enfield: 'E09000010',
  croydon: 'E09000008',
} as const;

export const NOW = new Date('2026-03-02T21:00:00Z');

export function hoursBefore(hours: number, from: Date = NOW): Date {
  return new Date(from.getTime() - hours * 3_600_000);
}

let sequence = 0;

/** A mixed adult emergency property in Camden with one free bed that takes anyone at any stage. */
export function aCandidate(overrides: Partial<BedCandidate> = {}): BedCandidate {
  sequence++;
  const id = String(sequence).padStart(4, '0');
  return {
    propertyId: `property-${id}`,
    providerOrganisationId: `provider-${id}`,
    label: `House ${id}`,
    borough: BOROUGH.camden,
    postcodeDistrict: 'NW1',
    genderServed: 'any',
    ages: ['adult'],
    childrenAccepted: 0,
    accessibility: [],
    languages: [],
    supportLevel: 'emergency',
    nrmStages: ['pre_nrm', 'recovery_period', 'post_cg_move_on', 'not_in_nrm'],
    nrpfAccepted: true,
    freeBeds: 1,
    availabilityConfirmedAt: hoursBefore(1),
    history: { offers: 0, accepted: 0, declined: 0, expired: 0 },
    ...overrides,
  };
}

/** An adult man needing an emergency bed before NRM entry, no zones unless given. */
export function aRequest(
  needs: Partial<BedNeeds> = {},
  exclusionZones: Partial<ExclusionZones> = {},
): MatchRequest {
  return {
    needs: {
      gender: 'male',
      ageGroup: 'adult',
      accompanyingChildren: 0,
      languages: [],
      accessNeeds: [],
      supportLevel: 'emergency',
      nrmStage: 'pre_nrm',
      nrpf: false,
      ...needs,
    },
    exclusionZones: { boroughs: [], around: [], ...exclusionZones },
  };
}
