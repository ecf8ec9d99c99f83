import type { AccommodationNeed, BedUrgency, SupportLevel } from '@harbour/contracts';
import {
  type BedRequest,
  type BedRequestPolicy,
  derivedAgeGroup,
  leavesNoBorough,
  NO_BOROUGH_LEFT,
  personOf,
  urgencyWindow,
} from './bed-request';
import { accepted, invalid, type Ruling } from './field-issue';
import type { Referral } from './referral';

const DAY_MS = 24 * 3_600_000;

/** A bed holds the person and at most this many children with them (the bed-needs contract). */
export const MAX_ACCOMPANYING_CHILDREN = 10;

/**
 * How a referral's accommodation need reads as a bed request: tonight is an emergency bed now;
 * soon a safe house within 3 days; planned a move-on bed in 14 days.
 */
export const REFERRAL_ACCOMMODATION: Readonly<
  Record<
    AccommodationNeed['urgency'],
    { kind: BedUrgency['kind']; supportLevel: SupportLevel; neededInDays?: number }
  >
> = {
  tonight: { kind: 'tonight', supportLevel: 'emergency' },
  soon: { kind: 'within_days', supportLevel: 'safe_house', neededInDays: 3 },
  planned: { kind: 'planned', supportLevel: 'move_on', neededInDays: 14 },
};

/**
 * The bed request a referral's accommodation need becomes, or `undefined` when it states none.
 * The age group follows the referral's child rule (a disputed age is a child); a Duty to Notify
 * record is anonymous, so its request carries no name at all. The referral's free-text access
 * needs are not structured, so `accessNeeds` is empty. Refused (400 at
 * `/accommodationNeed/notNearBoroughs`) when the boroughs to avoid are all of London.
 */
export function bedRequestFromReferral(
  id: string,
  referral: Referral,
  now: Date,
  policy: BedRequestPolicy,
): Ruling<BedRequest> | undefined {
  const need = referral.accommodationNeed;
  if (need === undefined) return undefined;
  const exclusionZones = { boroughs: need.notNearBoroughs ?? [], around: [] };
  if (leavesNoBorough(exclusionZones)) {
    return invalid('/accommodationNeed/notNearBoroughs', NO_BOROUGH_LEFT);
  }
  const { kind, supportLevel, neededInDays } = REFERRAL_ACCOMMODATION[need.urgency];
  const neededBy =
    neededInDays !== undefined ? new Date(now.getTime() + neededInDays * DAY_MS) : undefined;
  const { subject, personal } = referral;
  const anonymous = referral.mechanism === 'duty_to_notify';
  const person = anonymous ? undefined : personOf(personal);
  return accepted({
    id,
    submittedBy: referral.submittedBy,
    submittedAt: now,
    borough: referral.borough,
    needs: {
      gender: subject.gender,
      ageGroup: derivedAgeGroup(subject.ageYears, subject.ageDisputed),
      ...(subject.ageYears !== undefined ? { ageYears: subject.ageYears } : {}),
      accompanyingChildren: Math.min(need.dependants ?? 0, MAX_ACCOMPANYING_CHILDREN),
      languages: referral.languages,
      accessNeeds: [],
      supportLevel,
      nrmStage: anonymous ? 'not_in_nrm' : 'pre_nrm',
      nrpf: false,
    },
    urgency: urgencyWindow(kind, neededBy, now, policy),
    exclusionZones,
    ...(person ? { person } : {}),
    referralId: referral.id,
  });
}
