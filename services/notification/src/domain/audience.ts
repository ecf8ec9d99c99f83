import type { AlertRequested, OrganisationKind } from '@harbour/contracts';
import { partitionByPurpose, type Purpose } from './purpose';

/** Serving every London borough; an audience of exactly this reaches partners of every borough. */
export const PAN_LONDON = 'pan_london';

/** Who an alert is for, as safeguarding decided it (`harbour.alert.requested` → `audience`). */
export type Audience = AlertRequested['audience'];

export const AGE_GROUPS = ['child', 'adult'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];
export const isAgeGroup = (value: string): value is AgeGroup =>
  (AGE_GROUPS as readonly string[]).includes(value);

/** When an organisation's ordinary contacts are staffed, in London time (Monday = 1). */
export interface DutyHours {
  days: number[];
  /** `HH:MM`, London time. */
  from: string;
  to: string;
}

/** A partner organisation as the directory knows it, for routing. */
export interface DirectoryOrganisation {
  id: string;
  name: string;
  kind: OrganisationKind;
  /** GSS codes of the boroughs served, or `pan_london`. */
  boroughs: readonly string[];
  specialisms: readonly string[];
  /** ISO 639-1 codes. */
  languages: readonly string[];
  /** Age groups served; empty: all ages. */
  ageGroups?: readonly AgeGroup[];
  dutyHours?: DutyHours | null;
}

/** An organisation the audience reaches, and the rule that reached it (answers "why did they get it"). */
export interface Recipient {
  organisation: DirectoryOrganisation;
  /** e.g. `role=missing_person_unit & borough=E09000007`. */
  rule: string;
}

/** The rule of an organisation reached because the audience names it (`audience.organisations`). */
export const NAMED_ORGANISATION_RULE = 'organisation=named';

/** Who an audience reaches, and whom the alert's purpose keeps it from. */
export interface ResolvedAudience {
  /** The organisations that receive the alert, in routing order. */
  recipients: Recipient[];
  /**
   * Organisations the routing chose (by role or by name) that may not receive information of
   * the alert's purpose (`mayReceive`): they are told nothing, and recorded as withheld.
   */
  withheld: Recipient[];
}

/**
 * Resolves an alert's audience to the organisations that must receive it (`routeAudience`), then
 * applies purpose-bound sharing: whoever routing chose — by role, by name, named-only — receives
 * it only when `mayReceive(purpose, kind)`. The rest are `withheld`.
 */
export function resolveAudience(
  audience: Audience,
  organisations: readonly DirectoryOrganisation[],
  purpose: Purpose,
): ResolvedAudience {
  const { allowed, withheld } = partitionByPurpose(
    purpose,
    routeAudience(audience, organisations),
    (recipient) => recipient.organisation.kind,
  );
  return { recipients: allowed, withheld };
}

/**
 * The organisations an audience's routing reaches, before purpose-bound sharing. An organisation
 * is selected by the roles when all hold:
 * - its kind is one of the audience's roles;
 * - it serves one of the audience's boroughs, or serves `pan_london`, or the audience itself is
 *   `pan_london`;
 * - it offers every specialism of `specialisms` (none named: no condition);
 * - it offers at least one specialism of `anyOfSpecialisms` (none named: no condition);
 * - it offers at least one of the audience's languages (none named: no condition);
 * - it serves the audience's age group (`child` or `adult`; an organisation that names no age
 *   groups serves all ages; an audience of `any` or none sets no condition).
 *
 * The organisations the audience names by id (`organisations`, e.g. an operation's planner, who
 * must hear of victim-first handling) are reached as well, whatever their kind, boroughs,
 * specialisms, languages and age groups; an id not among `organisations` (not in the directory)
 * is ignored.
 *
 * Each organisation appears once, however many of the audience's boroughs it serves: first those
 * the roles select, in the order of the audience's roles and then by name, then the named ones not
 * already selected, in the order the audience names them. One both selected and named keeps the
 * roles' rule (it says more).
 */
function routeAudience(
  audience: Audience,
  organisations: readonly DirectoryOrganisation[],
): Recipient[] {
  if (audience.namedOnly === true) return namedOnly(audience, organisations);
  const seen = new Set<string>();
  const selected: Recipient[] = [];
  for (const organisation of organisations) {
    if (seen.has(organisation.id)) continue;
    const rule = selectionRule(audience, organisation);
    if (rule === undefined) continue;
    seen.add(organisation.id);
    selected.push({ organisation, rule });
  }
  const roleOrder = (kind: OrganisationKind): number => audience.roles.indexOf(kind);
  selected.sort(
    (a, b) =>
      roleOrder(a.organisation.kind) - roleOrder(b.organisation.kind) ||
      a.organisation.name.localeCompare(b.organisation.name, 'en-GB') ||
      a.organisation.id.localeCompare(b.organisation.id),
  );
  const named: Recipient[] = [];
  for (const id of audience.organisations ?? []) {
    if (seen.has(id)) continue;
    const organisation = organisations.find((candidate) => candidate.id === id);
    if (organisation === undefined) continue;
    seen.add(id);
    named.push({ organisation, rule: NAMED_ORGANISATION_RULE });
  }
  return [...selected, ...named];
}

/** The rule of an organisation reached by a `namedOnly` audience. */
export const NAMED_ONLY_RULE = 'organisation=named-only';

/**
 * A `namedOnly` audience (e.g. one housing provider's bed offer) reaches the organisations it
 * names, in the order it names them, and only those whose kind is one of its roles: a wrong id
 * from a bug upstream can never send an offer to, say, an immigration team. Boroughs and the
 * other conditions select nobody else.
 */
function namedOnly(
  audience: Audience,
  organisations: readonly DirectoryOrganisation[],
): Recipient[] {
  const recipients: Recipient[] = [];
  for (const id of new Set(audience.organisations ?? [])) {
    const organisation = organisations.find((candidate) => candidate.id === id);
    if (organisation === undefined || !audience.roles.includes(organisation.kind)) continue;
    recipients.push({ organisation, rule: `${NAMED_ONLY_RULE} & role=${organisation.kind}` });
  }
  return recipients;
}

/**
 * The routing rule by which `audience` reaches `organisation`, or undefined when it does not.
 * Routing only: whether the organisation may receive the alert's purpose is `resolveAudience`'s
 * (and `mayReceive`'s) to say.
 */
export function matchRule(
  audience: Audience,
  organisation: DirectoryOrganisation,
): string | undefined {
  if (audience.namedOnly === true) {
    return namedOnly(audience, [organisation])[0]?.rule;
  }
  return (
    selectionRule(audience, organisation) ??
    (isNamed(audience, organisation) ? NAMED_ORGANISATION_RULE : undefined)
  );
}

function isNamed(audience: Audience, organisation: DirectoryOrganisation): boolean {
  return (audience.organisations ?? []).includes(organisation.id);
}

/** The rule by which the audience's roles and conditions select `organisation`, if they do. */
function selectionRule(
  audience: Audience,
  organisation: DirectoryOrganisation,
): string | undefined {
  if (!audience.roles.includes(organisation.kind)) return undefined;
  const borough = boroughClause(audience.boroughs, organisation.boroughs);
  if (borough === undefined) return undefined;
  const clauses = [`role=${organisation.kind}`, borough];

  const specialisms = audience.specialisms ?? [];
  if (specialisms.length > 0) {
    if (!specialisms.every((s) => organisation.specialisms.includes(s))) return undefined;
    clauses.push(`specialism=${specialisms.join(',')}`);
  }
  const anyOfSpecialisms = audience.anyOfSpecialisms ?? [];
  if (anyOfSpecialisms.length > 0) {
    // Like languages: the rule names the ones the organisation offers.
    const offered = anyOfSpecialisms.filter((s) => organisation.specialisms.includes(s));
    if (offered.length === 0) return undefined;
    clauses.push(`specialism∈${offered.join(',')}`);
  }
  const languages = audience.languages ?? [];
  if (languages.length > 0) {
    const spoken = languages.filter((l) => organisation.languages.includes(l));
    if (spoken.length === 0) return undefined;
    clauses.push(`language=${spoken.join(',')}`);
  }
  const ageGroup = audience.ageGroup;
  if (ageGroup === 'child' || ageGroup === 'adult') {
    const served = organisation.ageGroups ?? [];
    if (served.length > 0 && !served.includes(ageGroup)) return undefined;
    clauses.push(`age=${ageGroup}`);
  }
  return clauses.join(' & ');
}

function boroughClause(wanted: readonly string[], served: readonly string[]): string | undefined {
  if (wanted.length === 0) return undefined;
  if (wanted.includes(PAN_LONDON)) return `borough=${PAN_LONDON}`;
  const direct = wanted.filter((gss) => served.includes(gss));
  if (direct.length > 0) return `borough=${direct.join(',')}`;
  if (served.includes(PAN_LONDON)) return `borough=${wanted.join(',')} (serves ${PAN_LONDON})`;
  return undefined;
}

/**
 * Why a coordinator got an alert no partner could be found for (the delivery's matched rule):
 * what the roles asked for. An organisation the audience names is a partner found like any other:
 * an alert that reaches one (at a contact) needs no fallback.
 */
export function coordinatorFallbackRule(audience: Audience): string {
  const wanted = [
    `role=${audience.roles.join(',')}`,
    `borough=${audience.boroughs.join(',')}`,
    ...(audience.specialisms?.length ? [`specialism=${audience.specialisms.join(',')}`] : []),
    ...(audience.anyOfSpecialisms?.length
      ? [`specialism∈${audience.anyOfSpecialisms.join(',')}`]
      : []),
    ...(audience.languages?.length ? [`language=${audience.languages.join(',')}`] : []),
    ...(audience.ageGroup && audience.ageGroup !== 'any' ? [`age=${audience.ageGroup}`] : []),
  ];
  return `fallback=coordinator: no reachable partner for ${wanted.join(' & ')}`;
}
