import type {
  BedNeeds,
  BedRequestBody,
  BedUrgency,
  ExclusionZones,
  OrganisationKind,
  OrganisationRef,
} from '@harbour/contracts';
import {
  isLondonGss,
  isLondonPostcode,
  LONDON_AUTHORITIES,
  normalisePostcode,
} from '@harbour/london';
import { ADULT_AGE_YEARS, ageInYearsOn } from './age';
import { accepted, type FieldIssue, type Ruling } from './field-issue';

/** Who may ask for a bed: the first responders, and coordinators acting for them. */
export const BED_REQUESTER_KINDS = [
  'police_borough',
  'police_specialist',
  'immigration',
  'local_authority',
  'ngo',
  'coordinator',
] as const satisfies readonly OrganisationKind[];

export type AgeGroup = BedNeeds['ageGroup'];

/** Names and date of birth: stored encrypted, published only in the submitted event. */
export interface BedRequestPerson {
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
}

/** A bed request as intake records and publishes it. */
export interface BedRequest {
  id: string;
  submittedBy: OrganisationRef;
  submittedAt: Date;
  /** The borough the request comes from (the requester must serve it). */
  borough: string;
  needs: BedNeeds;
  urgency: BedUrgency;
  exclusionZones: ExclusionZones;
  /** Absent when no name or date of birth was given (always, for a Duty to Notify record). */
  person?: BedRequestPerson;
  referralId?: string;
}

/** The operator's settings for deriving the matching window. */
export interface BedRequestPolicy {
  /** How long matching may try for a bed tonight before the coordinator is told. */
  tonightWindowHours: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The furthest ahead a bed may be asked for: beyond it, availability means nothing. */
export const MAX_NEEDED_BY_DAYS = 180;
/** A planned move stops matching a day before the bed is needed, to leave time to move. */
export const PLANNED_MATCH_LEAD_MS = DAY_MS;
/** …but matching always gets at least an hour. */
export const MIN_MATCH_WINDOW_MS = HOUR_MS;
/** Under 16: placed only where younger children are accepted. */
export const CHILD_16_17_FROM_YEARS = 16;
/** The oldest age the contracts accept (`ageYears` ≤ 120). */
const MAX_AGE_YEARS = 120;

/** The age group an undisputed age places someone in. */
export function ageGroupOfAge(ageYears: number): AgeGroup {
  if (ageYears < CHILD_16_17_FROM_YEARS) return 'child_under_16';
  if (ageYears < ADULT_AGE_YEARS) return 'child_16_17';
  return 'adult';
}

/**
 * The placement for someone's age. A disputed age counts as a child until assessed: the child
 * group for the stated age, 16–17 for a stated adult age or no age at all. No age and no dispute
 * is an adult.
 */
export function derivedAgeGroup(ageYears: number | undefined, ageDisputed: boolean): AgeGroup {
  if (ageDisputed) {
    return ageYears !== undefined && ageYears < CHILD_16_17_FROM_YEARS
      ? 'child_under_16'
      : 'child_16_17';
  }
  return ageYears === undefined ? 'adult' : ageGroupOfAge(ageYears);
}

/** The age in years the body states (by date of birth if given), and what is wrong with it. */
function statedAge(
  person: BedRequestBody['person'],
  today: string,
): { ageYears?: number; issues: FieldIssue[] } {
  const { dateOfBirth, ageYears } = person;
  if (dateOfBirth === undefined)
    return { ...(ageYears !== undefined ? { ageYears } : {}), issues: [] };
  if (dateOfBirth > today) {
    return { issues: [{ pointer: '/person/dateOfBirth', message: 'must not be in the future' }] };
  }
  const byBirth = ageInYearsOn(dateOfBirth, today);
  if (byBirth > MAX_AGE_YEARS) {
    return {
      issues: [{ pointer: '/person/dateOfBirth', message: `gives an age over ${MAX_AGE_YEARS}` }],
    };
  }
  if (ageYears !== undefined && ageYears !== byBirth) {
    return {
      ageYears: byBirth,
      issues: [
        {
          pointer: '/person/ageYears',
          message: `disagrees with the age by dateOfBirth (${byBirth})`,
        },
      ],
    };
  }
  return { ageYears: byBirth, issues: [] };
}

/** Whether the placement asked for agrees with the age (a 12-year-old is not `adult`). */
function ageGroupIssues(
  asked: AgeGroup | undefined,
  ageYears: number | undefined,
  ageDisputed: boolean,
): FieldIssue[] {
  if (asked === undefined) return [];
  if (ageDisputed) {
    return asked === 'adult'
      ? [{ pointer: '/person/ageGroup', message: 'a disputed age counts as a child: not adult' }]
      : [];
  }
  if (ageYears === undefined) return [];
  const expected = ageGroupOfAge(ageYears);
  return asked === expected
    ? []
    : [{ pointer: '/person/ageGroup', message: `contradicts the age (${ageYears}): ${expected}` }];
}

/**
 * When the bed is needed and when matching gives up (the coordinator is then told): tonight →
 * now, and the configured window; within days → neededBy for both; planned → a day before
 * neededBy, but never less than an hour from now.
 */
export function urgencyWindow(
  kind: BedUrgency['kind'],
  neededBy: Date | undefined,
  now: Date,
  policy: BedRequestPolicy,
): BedUrgency {
  if (kind === 'tonight' || neededBy === undefined) {
    return {
      kind,
      neededBy: now.toISOString(),
      matchBy: new Date(now.getTime() + policy.tonightWindowHours * HOUR_MS).toISOString(),
    };
  }
  const matchBy =
    kind === 'within_days'
      ? neededBy.getTime()
      : Math.max(neededBy.getTime() - PLANNED_MATCH_LEAD_MS, now.getTime() + MIN_MATCH_WINDOW_MS);
  return { kind, neededBy: neededBy.toISOString(), matchBy: new Date(matchBy).toISOString() };
}

/** `neededBy` is needed (except tonight), in the future and at most 180 days ahead. */
function urgencyIssues(urgency: BedRequestBody['urgency'], now: Date): FieldIssue[] {
  if (urgency.kind === 'tonight') return [];
  const pointer = '/urgency/neededBy';
  if (urgency.neededBy === undefined) {
    return [{ pointer, message: `is required when the urgency is ${urgency.kind}` }];
  }
  const at = new Date(urgency.neededBy).getTime();
  if (at <= now.getTime()) return [{ pointer, message: 'must be in the future' }];
  if (at - now.getTime() > MAX_NEEDED_BY_DAYS * DAY_MS) {
    return [{ pointer, message: `must be at most ${MAX_NEEDED_BY_DAYS} days ahead` }];
  }
  return [];
}

/**
 * The boroughs the zones rule out by name: the listed boroughs and each circle's own borough
 * (a circle always covers the borough it is drawn in). What a circle's radius reaches beyond
 * that is left to matching.
 */
export function excludedBoroughs(zones: ExclusionZones): Set<string> {
  return new Set([...zones.boroughs, ...zones.around.map((circle) => circle.borough)]);
}

/** Whether the zones leave no London borough to place the person in. */
export function leavesNoBorough(zones: ExclusionZones): boolean {
  const excluded = excludedBoroughs(zones);
  return LONDON_AUTHORITIES.every((authority) => excluded.has(authority.gss));
}

export const NO_BOROUGH_LEFT = 'no borough left to place in: the zones exclude all 33';

function exclusionZoneIssues(zones: ExclusionZones): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const notLondon = 'must be the GSS code of a London borough (E09000001 to E09000033)';
  zones.boroughs.forEach((gss, i) => {
    if (!isLondonGss(gss))
      issues.push({ pointer: `/exclusionZones/boroughs/${i}`, message: notLondon });
  });
  zones.around.forEach((circle, i) => {
    if (isLondonPostcode(circle.postcode) !== true) {
      issues.push({
        pointer: `/exclusionZones/around/${i}/postcode`,
        message: `unknown postcode: ${circle.postcode} (not a London postcode)`,
      });
    }
    if (!isLondonGss(circle.borough)) {
      issues.push({ pointer: `/exclusionZones/around/${i}/borough`, message: notLondon });
    }
  });
  if (leavesNoBorough(zones))
    issues.push({ pointer: '/exclusionZones/boroughs', message: NO_BOROUGH_LEFT });
  return issues;
}

/** The zones with each circle's postcode in canonical form (`NW1 2DB`). */
function canonicalZones(zones: ExclusionZones): ExclusionZones {
  return {
    boroughs: zones.boroughs,
    around: zones.around.map((circle) => ({
      ...circle,
      postcode: normalisePostcode(circle.postcode) ?? circle.postcode,
    })),
  };
}

/** The person's names and date of birth, if any was given. */
export function personOf(given: BedRequestPerson): BedRequestPerson | undefined {
  const person: BedRequestPerson = {
    ...(given.givenName !== undefined ? { givenName: given.givenName } : {}),
    ...(given.familyName !== undefined ? { familyName: given.familyName } : {}),
    ...(given.dateOfBirth !== undefined ? { dateOfBirth: given.dateOfBirth } : {}),
  };
  return Object.keys(person).length > 0 ? person : undefined;
}

/**
 * A Duty to Notify record is anonymous: a bed request linked to one must not name the person,
 * or Harbour would hold the names the record was made without.
 */
export function anonymousReferralIssues(person: BedRequestPerson): FieldIssue[] {
  return (['givenName', 'familyName', 'dateOfBirth'] as const)
    .filter((field) => person[field] !== undefined)
    .map((field) => ({
      pointer: `/person/${field}`,
      message: 'must not be given: referralId names an anonymous Duty to Notify record',
    }));
}

/**
 * Turns a requester's body into a bed request: checks the age against the placement asked for,
 * the urgency's date and the exclusion zones (every issue, each naming its field), then derives
 * the age group and the matching window. `today` is the London date of `now`.
 */
export function submitBedRequest(
  id: string,
  body: BedRequestBody,
  submittedBy: OrganisationRef,
  now: Date,
  today: string,
  policy: BedRequestPolicy,
): Ruling<BedRequest> {
  const { person } = body;
  const ageDisputed = person.ageDisputed === true;
  const age = statedAge(person, today);
  const issues = [
    ...age.issues,
    ...(age.issues.some((i) => i.pointer === '/person/dateOfBirth')
      ? []
      : ageGroupIssues(person.ageGroup, age.ageYears, ageDisputed)),
    ...urgencyIssues(body.urgency, now),
    ...exclusionZoneIssues(body.exclusionZones),
  ];
  if (!isLondonGss(body.borough)) {
    issues.push({ pointer: '/borough', message: 'must be the GSS code of a London borough' });
  }
  if (issues.length > 0) return { kind: 'invalid', issues };

  const { ageYears } = age;
  const neededBy =
    body.urgency.neededBy !== undefined ? new Date(body.urgency.neededBy) : undefined;
  const named = personOf(person);
  return accepted({
    id,
    submittedBy,
    submittedAt: now,
    borough: body.borough,
    needs: {
      gender: person.gender,
      ageGroup: person.ageGroup ?? derivedAgeGroup(ageYears, ageDisputed),
      ...(ageYears !== undefined ? { ageYears } : {}),
      accompanyingChildren: body.accompanyingChildren,
      languages: body.languages ?? [],
      accessNeeds: body.accessNeeds ?? [],
      supportLevel: body.supportLevel,
      nrmStage: body.nrmStage,
      nrpf: body.nrpf,
    },
    urgency: urgencyWindow(body.urgency.kind, neededBy, now, policy),
    exclusionZones: canonicalZones(body.exclusionZones),
    ...(named ? { person: named } : {}),
    ...(body.referralId !== undefined ? { referralId: body.referralId } : {}),
  });
}
