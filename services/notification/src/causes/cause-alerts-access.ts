import type { Principal } from '@harbour/platform';

/**
 * Whose alerts of a cause a caller may read: a coordinator reads them all; another organisation
 * only those naming it as the cause's owner, with a `submit` or `read` key. Null: none (the
 * caller is told the cause has no alerts, as if it did not exist).
 */
export type CauseAlertsReader = { all: true } | { all: false; ownerOrganisationId: string } | null;

export function causeAlertsReader(
  principal: Pick<Principal, 'organisationId' | 'organisationKind' | 'roles'>,
): CauseAlertsReader {
  if (principal.organisationKind === 'coordinator') return { all: true };
  if (principal.roles.includes('submit') || principal.roles.includes('read')) {
    return { all: false, ownerOrganisationId: principal.organisationId };
  }
  return null;
}
