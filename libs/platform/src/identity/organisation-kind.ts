/** The kinds of partner organisation; routing and need-to-know rules are decided by kind. */
export const ORGANISATION_KINDS = [
  'police_borough',
  'police_specialist',
  'immigration',
  'local_authority',
  'ngo',
  'housing_provider',
  'missing_person_unit',
  'coordinator',
] as const;

export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export function isOrganisationKind(value: unknown): value is OrganisationKind {
  return typeof value === 'string' && (ORGANISATION_KINDS as readonly string[]).includes(value);
}

/**
 * What an API key may do: `submit` posts operations, referrals and requests; `respond`
 * acknowledges alerts and answers offers; `read` reads what its organisation may see; `admin`
 * manages the organisation's keys and directory entries. Roles do not imply one another.
 */
export const ROLES = ['submit', 'respond', 'read', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** A borough an organisation serves: an ONS GSS code of a London borough, or all of London. */
export const PAN_LONDON = 'pan_london';
const LONDON_GSS_CODE = /^E09\d{6}$/;

export function isBoroughCode(value: string): boolean {
  return value === PAN_LONDON || LONDON_GSS_CODE.test(value);
}
