import type {
  AccommodationNeed,
  ExploitationType,
  OrganisationRef,
  ReferralSubmissionBody,
  ReferralSubmitted,
} from '@harbour/contracts';
import { ADULT_AGE_YEARS, ageInYearsOn } from './age';
import { accepted, type FieldIssue, type Ruling } from './field-issue';

/**
 * `nrm`: a referral into the National Referral Mechanism. `duty_to_notify`: an adult who does
 * not consent to the NRM; public authorities must still notify the Home Office, anonymously.
 */
export type ReferralMechanism = ReferralSubmitted['mechanism'];

export type ReferralSubject = ReferralSubmitted['subject'];

export type SharingPartner = NonNullable<ReferralSubmitted['consent']>['shareWith'][number];

export interface ReferralLocation {
  postcode: string;
  borough?: string;
  kind?: 'exploitation' | 'residence' | 'other';
}

/** Identifying details, stored encrypted. A Duty to Notify record keeps only the responder. */
export interface ReferralPersonal {
  givenName?: string;
  familyName?: string;
  aliases?: string[];
  dateOfBirth?: string;
  nationality?: string;
  narrative?: string;
  /** Addresses of `locations`, by index. */
  locationAddresses?: { index: number; address: string }[];
  /** The first responder (the officer, not the victim): kept for every mechanism. */
  responder: ReferralSubmissionBody['responder'];
}

export interface Referral {
  id: string;
  submittedBy: OrganisationRef;
  submittedAt: Date;
  /** The London date of submission: NRM timescales count from it. */
  submittedOn: string;
  mechanism: ReferralMechanism;
  subject: ReferralSubject;
  exploitationTypes: ExploitationType[];
  borough: string;
  languages: string[];
  indicators: string[];
  locations: ReferralLocation[];
  consent: { nrm: boolean; shareWith: SharingPartner[] };
  accommodationNeed?: AccommodationNeed;
  personal: ReferralPersonal;
  /** JSON pointers of the identifying fields given but discarded (Duty to Notify). */
  discarded: string[];
}

/** A date of birth and an age estimate further apart than this contradict each other. */
const ESTIMATE_TOLERANCE_YEARS = 2;

function ageIssues(person: ReferralSubmissionBody['person'], today: string): FieldIssue[] {
  const { dateOfBirth, ageEstimateYears, ageDisputed } = person;
  if (dateOfBirth === undefined && ageEstimateYears === undefined && ageDisputed !== true) {
    return [
      {
        pointer: '/person',
        message: 'needs dateOfBirth, ageEstimateYears, or ageDisputed: true',
      },
    ];
  }
  if (dateOfBirth === undefined) return [];
  if (dateOfBirth > today) {
    return [{ pointer: '/person/dateOfBirth', message: 'must not be in the future' }];
  }
  const age = ageInYearsOn(dateOfBirth, today);
  if (
    ageEstimateYears !== undefined &&
    Math.abs(age - ageEstimateYears) > ESTIMATE_TOLERANCE_YEARS
  ) {
    return [
      {
        pointer: '/person/ageEstimateYears',
        message: `is more than ${ESTIMATE_TOLERANCE_YEARS} years from the age by dateOfBirth (${age})`,
      },
    ];
  }
  return [];
}

/** The identifying fields of a submission a Duty to Notify record must not keep. */
function identifyingFieldsGiven(body: ReferralSubmissionBody): string[] {
  const { person } = body;
  const given: string[] = (
    [
      ['/person/givenName', person.givenName],
      ['/person/familyName', person.familyName],
      ['/person/aliases', person.aliases],
      ['/person/dateOfBirth', person.dateOfBirth],
      ['/person/nationality', person.nationality],
      ['/narrative', body.narrative],
    ] as const
  )
    .filter(([, value]) => value !== undefined)
    .map(([pointer]) => pointer);
  (body.locations ?? []).forEach((location, index) => {
    if (location.address !== undefined) given.push(`/locations/${index}/address`);
  });
  return given;
}

/**
 * Turns a first responder's submission into a referral. A child (under 18 on the London date of
 * submission by date of birth, else by the estimate, or whose age is disputed) is referred into
 * the NRM whatever the consent says. An adult who does not consent becomes a Duty to Notify
 * record: the identifying fields are dropped here, before anything is stored or published.
 */
export function submitReferral(
  id: string,
  body: ReferralSubmissionBody,
  submittedBy: OrganisationRef,
  now: Date,
  today: string,
): Ruling<Referral> {
  const issues = ageIssues(body.person, today);
  if (issues.length > 0) return { kind: 'invalid', issues };

  const { person } = body;
  const ageYears =
    person.dateOfBirth !== undefined
      ? ageInYearsOn(person.dateOfBirth, today)
      : person.ageEstimateYears;
  const ageDisputed = person.ageDisputed === true;
  const isChild = ageDisputed || (ageYears !== undefined && ageYears < ADULT_AGE_YEARS);
  const mechanism: ReferralMechanism = isChild || body.consent.nrm ? 'nrm' : 'duty_to_notify';
  const anonymous = mechanism === 'duty_to_notify';

  const locations = body.locations ?? [];
  const personal: ReferralPersonal = anonymous
    ? { responder: body.responder }
    : {
        ...(person.givenName !== undefined ? { givenName: person.givenName } : {}),
        ...(person.familyName !== undefined ? { familyName: person.familyName } : {}),
        ...(person.aliases !== undefined ? { aliases: person.aliases } : {}),
        ...(person.dateOfBirth !== undefined ? { dateOfBirth: person.dateOfBirth } : {}),
        ...(person.nationality !== undefined ? { nationality: person.nationality } : {}),
        ...(body.narrative !== undefined ? { narrative: body.narrative } : {}),
        ...(locations.some((l) => l.address !== undefined)
          ? {
              locationAddresses: locations.flatMap((location, index) =>
                location.address !== undefined ? [{ index, address: location.address }] : [],
              ),
            }
          : {}),
        responder: body.responder,
      };

  return accepted({
    id,
    submittedBy,
    submittedAt: now,
    submittedOn: today,
    mechanism,
    subject: {
      isChild,
      ageDisputed,
      ...(ageYears !== undefined ? { ageYears } : {}),
      gender: person.gender,
      ...(person.speaksEnglish !== undefined ? { speaksEnglish: person.speaksEnglish } : {}),
    },
    exploitationTypes: body.exploitationTypes,
    borough: body.borough,
    languages: person.languages ?? [],
    indicators: body.indicators ?? [],
    locations: locations.map(({ postcode, borough, kind }) => ({
      postcode,
      ...(borough !== undefined ? { borough } : {}),
      ...(kind !== undefined ? { kind } : {}),
    })),
    // Children are referred without consent: the NRM consent is recorded as given.
    consent: { nrm: mechanism === 'nrm', shareWith: body.consent.shareWith ?? [] },
    ...(body.accommodationNeed ? { accommodationNeed: body.accommodationNeed } : {}),
    personal,
    discarded: anonymous ? identifyingFieldsGiven(body) : [],
  });
}
