import type { AccommodationNeed, ExploitationType, OrganisationKind } from '@harbour/contracts';
import type { AlertDecision, SummaryLine } from './alert-decision';

/**
 * The partner kinds a person may consent to share their referral with. Immigration is never
 * told of a referral by Harbour, whatever the consent says; coordinators see alerts through
 * escalation only.
 */
export const SHAREABLE_KINDS: readonly OrganisationKind[] = [
  'police_borough',
  'police_specialist',
  'local_authority',
  'ngo',
  'housing_provider',
  'missing_person_unit',
];

/** A referral as safeguarding assesses it: the event's non-personal facts. */
export interface SubmittedReferral {
  referralId: string;
  mechanism: 'nrm' | 'duty_to_notify';
  isChild: boolean;
  ageDisputed: boolean;
  gender: string;
  borough: string;
  boroughName: string;
  exploitationTypes: ExploitationType[];
  languages: string[];
  speaksEnglish?: boolean;
  accommodationNeed?: AccommodationNeed;
  /** Consent to share, as recorded; empty when none was given. */
  shareWith: string[];
}

export interface ReferralAssessment {
  rule: string;
  /** Absent when nobody is to be alerted. */
  decision?: AlertDecision;
}

const EXPLOITATION_LABELS: Record<ExploitationType, string> = {
  sexual: 'sexual',
  labour: 'labour',
  domestic_servitude: 'domestic servitude',
  criminal: 'criminal',
  organ_harvesting: 'organ harvesting',
  unknown: 'unknown',
};

const URGENCY_LABELS: Record<AccommodationNeed['urgency'], string> = {
  tonight: 'tonight',
  soon: 'within days',
  planned: 'planned (move-on)',
};

/** The consented kinds a referral may reach: `shareWith` ∩ `SHAREABLE_KINDS`, in that order. */
export function consentedKinds(shareWith: readonly string[]): OrganisationKind[] {
  return SHAREABLE_KINDS.filter((kind) => shareWith.includes(kind));
}

/** `child`, `adult`, or the disputed case (treated as a child). */
export function describeAgeGroup(isChild: boolean, ageDisputed: boolean): string {
  if (ageDisputed) return 'age disputed (treated as a child)';
  return isChild ? 'child (under 18)' : 'adult';
}

function describeAccommodation(need: AccommodationNeed | undefined): string {
  if (need === undefined) return 'none recorded';
  const dependants =
    need.dependants !== undefined && need.dependants > 0
      ? `, with ${need.dependants} dependant${need.dependants === 1 ? '' : 's'}`
      : '';
  return `${URGENCY_LABELS[need.urgency]}${dependants}`;
}

/**
 * What partners are told of a referral. Never names, dates of birth, addresses, indicators or the
 * narrative: the borough, age group, gender, exploitation types, languages, accommodation need and
 * the referral reference.
 */
export function referralSummaryLines(referral: SubmittedReferral): SummaryLine[] {
  return [
    { label: 'Borough', value: referral.boroughName },
    { label: 'Age group', value: describeAgeGroup(referral.isChild, referral.ageDisputed) },
    { label: 'Gender', value: referral.gender.replace('_', '-') },
    {
      label: 'Exploitation types',
      value: referral.exploitationTypes.map((t) => EXPLOITATION_LABELS[t]).join('; '),
    },
    {
      label: 'Languages',
      value: referral.languages.length > 0 ? referral.languages.join(', ') : 'none recorded',
    },
    ...(referral.speaksEnglish !== undefined
      ? [{ label: 'Speaks English', value: referral.speaksEnglish ? 'yes' : 'no' }]
      : []),
    { label: 'Accommodation need', value: describeAccommodation(referral.accommodationNeed) },
    { label: 'Referral reference', value: referral.referralId },
  ];
}

/**
 * - A child (or a disputed age) referred into the NRM: high, 60 minutes, to the borough's
 *   children's services and the NGOs that work with children (the guardian service among them);
 *   children are referred without consent.
 * - An adult NRM referral: informational, to the partner kinds the person consented to share
 *   with (never immigration); no consent to share, no alert.
 * - A Duty to Notify report is anonymous: no alert.
 */
export function assessReferral(referral: SubmittedReferral): ReferralAssessment {
  if (referral.mechanism === 'duty_to_notify') return { rule: 'duty-to-notify-no-alert' };
  const lines = referralSummaryLines(referral);
  if (referral.isChild) {
    const rule = 'referral-of-child';
    return {
      rule,
      decision: {
        severity: 'high',
        acknowledgeWithinMinutes: 60,
        audience: {
          roles: ['local_authority', 'ngo'],
          boroughs: [referral.borough],
          ageGroup: 'child',
        },
        disclosure: 'operational',
        title: `Child referred to the NRM — ${referral.boroughName}`,
        lines,
        rule,
      },
    };
  }
  const roles = consentedKinds(referral.shareWith);
  if (roles.length === 0) return { rule: 'referral-of-adult-without-consent-to-share' };
  const rule = 'referral-of-adult-shared-with-consent';
  return {
    rule,
    decision: {
      severity: 'informational',
      acknowledgeWithinMinutes: 24 * 60,
      audience: { roles, boroughs: [referral.borough], ageGroup: 'adult' },
      disclosure: 'operational',
      title: `Adult referred to the NRM — ${referral.boroughName}`,
      lines,
      rule,
    },
  };
}
