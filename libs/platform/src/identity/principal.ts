import type { OrganisationKind, Role } from './organisation-kind';

/** Who is calling: the organisation behind an authenticated API key, and the key's roles. */
export interface Principal {
  organisationId: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  /** GSS codes of the boroughs served, or `pan_london`. */
  boroughs: string[];
  roles: Role[];
  keyId: string;
}
