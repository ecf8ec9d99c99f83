import type {
  MissingEpisodeReportBody,
  OrganisationRef,
  RiskGrade,
  TraffickingMarker,
} from '@harbour/contracts';
import { ADULT_AGE_YEARS, ageInYearsOn } from './age';
import { CLOCK_SKEW_MS } from './clock';
import type { FieldIssue } from './field-issue';

/**
 * A missing episode as intake records it: the validated report, who made it and when.
 * Plain TypeScript — no framework — so the rules are testable on their own.
 */
export type MissingEpisodeReportInput = MissingEpisodeReportBody;

export type Reporter = OrganisationRef;

export interface MissingEpisode {
  id: string;
  reporter: Reporter;
  reportedAt: Date;
  borough: string;
  riskGrade: RiskGrade;
  isChild: boolean;
  traffickingMarkers: TraffickingMarker[];
  lastSeenAt: Date;
  linkedReferralId?: string;
  report: MissingEpisodeReportInput;
}

/** Markers that only make sense for a child: an adult cannot have an ICTG or be unaccompanied. */
export const CHILD_ONLY_MARKERS: readonly TraffickingMarker[] = ['ictg_allocated', 'unaccompanied'];

/** How far a date of birth and a stated age may disagree (a birthday may fall either side). */
const DATE_OF_BIRTH_TOLERANCE_YEARS = 1;

/**
 * Anyone under 18, or whose age is disputed or unknown, is treated as a child (NRM guidance:
 * a person who may be under 18 is presumed to be one until an age assessment says otherwise).
 */
export function isTreatedAsChild(child: MissingEpisodeReportInput['child']): boolean {
  if (child.ageDisputed === true) return true;
  if (child.ageYears === undefined) return true;
  return child.ageYears < ADULT_AGE_YEARS;
}

/**
 * What the schema cannot say about a report: a future last-seen time, a date of birth in the
 * future or contradicting the age, child-only markers on an adult. `today` is the London date.
 */
export function reportIssues(
  report: MissingEpisodeReportInput,
  now: Date,
  today: string,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!lastSeenIsPlausible(report, now)) {
    issues.push({ pointer: '/lastSeenAt', message: 'must not be in the future' });
  }
  const { child } = report;
  if (child.dateOfBirth !== undefined) {
    if (child.dateOfBirth > today) {
      issues.push({ pointer: '/child/dateOfBirth', message: 'must not be in the future' });
    } else if (
      child.ageYears !== undefined &&
      Math.abs(ageInYearsOn(child.dateOfBirth, today) - child.ageYears) >
        DATE_OF_BIRTH_TOLERANCE_YEARS
    ) {
      issues.push({
        pointer: '/child/dateOfBirth',
        message: `contradicts ageYears ${child.ageYears} (more than ${DATE_OF_BIRTH_TOLERANCE_YEARS} year apart)`,
      });
    }
  }
  if (!isTreatedAsChild(child)) {
    report.traffickingMarkers.forEach((marker, index) => {
      if (CHILD_ONLY_MARKERS.includes(marker)) {
        issues.push({
          pointer: `/traffickingMarkers/${index}`,
          message: `${marker} applies to a child only, but ageYears is ${child.ageYears} and not disputed`,
        });
      }
    });
  }
  return issues;
}

/** What intake knows about the NRM referral a report links to. */
export interface LinkedReferral {
  id: string;
  /** An NRM referral (not Duty to Notify) with no negative decision. */
  isOpenNrmReferral: boolean;
}

export function recordMissingEpisode(
  id: string,
  report: MissingEpisodeReportInput,
  reporter: Reporter,
  now: Date,
  linkedReferral?: LinkedReferral,
): MissingEpisode {
  const markers = [...report.traffickingMarkers];
  // Intake knows the referral is open, so it says so even when the reporter did not.
  if (linkedReferral?.isOpenNrmReferral) markers.push('open_nrm_referral');
  return {
    id,
    reporter,
    reportedAt: now,
    borough: report.borough,
    riskGrade: report.riskGrade,
    isChild: isTreatedAsChild(report.child),
    traffickingMarkers: [...new Set(markers)],
    lastSeenAt: new Date(report.lastSeenAt),
    ...(linkedReferral ? { linkedReferralId: linkedReferral.id } : {}),
    report,
  };
}

/** A report may not say the child was last seen in the future (a little clock skew allowed). */
export function lastSeenIsPlausible(report: MissingEpisodeReportInput, now: Date): boolean {
  return new Date(report.lastSeenAt).getTime() <= now.getTime() + CLOCK_SKEW_MS;
}

/** The personal fields of a report, kept apart so they are stored encrypted. */
export interface MissingEpisodePersonal {
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
  subjectReference?: string;
  lastSeenDescription?: string;
  circumstances?: string;
  reportingOfficer?: MissingEpisodeReportInput['reportingOfficer'];
  philomenaProfile?: MissingEpisodeReportInput['philomenaProfile'];
}

/** A report split into what may be stored in clear and what must be encrypted. */
export function separatePersonal(report: MissingEpisodeReportInput): {
  shareable: Record<string, unknown>;
  personal: MissingEpisodePersonal;
} {
  const { givenName, familyName, dateOfBirth, subjectReference, ...child } = report.child;
  const { circumstances, reportingOfficer, philomenaProfile, lastSeenLocation, ...rest } = report;
  const personal: MissingEpisodePersonal = {
    ...(givenName !== undefined ? { givenName } : {}),
    ...(familyName !== undefined ? { familyName } : {}),
    ...(dateOfBirth !== undefined ? { dateOfBirth } : {}),
    ...(subjectReference !== undefined ? { subjectReference } : {}),
    ...(lastSeenLocation?.description !== undefined
      ? { lastSeenDescription: lastSeenLocation.description }
      : {}),
    ...(circumstances !== undefined ? { circumstances } : {}),
    ...(reportingOfficer !== undefined ? { reportingOfficer } : {}),
    ...(philomenaProfile !== undefined ? { philomenaProfile } : {}),
  };
  return {
    shareable: {
      ...rest,
      child,
      ...(lastSeenLocation?.postcode !== undefined
        ? { lastSeenLocation: { postcode: lastSeenLocation.postcode } }
        : {}),
    },
    personal,
  };
}
