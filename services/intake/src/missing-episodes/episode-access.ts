import type { OrganisationKind, Principal } from '@harbour/platform';
import { servesBorough } from '../access/borough-access';

/** Organisations that may report a missing child: police, missing-person units, local authorities. */
export const REPORTING_KINDS = [
  'police_borough',
  'police_specialist',
  'missing_person_unit',
  'local_authority',
] as const satisfies readonly OrganisationKind[];

/**
 * Who may read an episode and record what happens next: the organisation that reported it,
 * any reporting kind that serves the episode's borough (the police who find the child need
 * not be the ones who reported it), and coordinators.
 */
export function mayActOnEpisode(
  principal: Principal,
  episode: { borough: string; reportedByOrganisationId: string },
): boolean {
  if (principal.organisationKind === 'coordinator') return true;
  if (principal.organisationId === episode.reportedByOrganisationId) return true;
  return (
    (REPORTING_KINDS as readonly OrganisationKind[]).includes(principal.organisationKind) &&
    servesBorough(principal, episode.borough)
  );
}
