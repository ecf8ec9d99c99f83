import type { OrganisationKind, Role } from './organisation-kind';

/**
 * Who is calling: the organisation behind an authenticated API key or a signed-in person's
 * session, and its roles. A person acts for their organisation exactly as a key does.
 */
export interface Principal {
  organisationId: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  /** GSS codes of the boroughs served, or `pan_london`. */
  boroughs: string[];
  roles: Role[];
  /** The API key's id, or the session's id when a person is signed in. */
  keyId: string;
  /** Set when a signed-in person (a console session) is calling, not a partner system. */
  personId?: string;
}
