/**
 * A missing episode as intake records it: the validated report, who made it and when.
 * Plain TypeScript — no framework — so the rules are testable on their own.
 */
export type RiskGrade = 'very_low' | 'low' | 'medium' | 'high';
export type Gender = 'female' | 'male' | 'non_binary' | 'unknown';
export type TraffickingMarker =
  | 'open_nrm_referral'
  | 'ictg_allocated'
  | 'suspected_exploitation'
  | 'unaccompanied'
  | 'known_victim';

export interface MissingEpisodeReportInput {
  child: {
    ageYears?: number;
    ageDisputed: boolean;
    dateOfBirth?: string;
    givenName?: string;
    familyName?: string;
    gender: Gender;
  };
  traffickingMarkers: TraffickingMarker[];
  borough: string;
  riskGrade: RiskGrade;
  lastSeenAt: string;
  lastSeenLocation?: { postcode?: string; description?: string };
  circumstances?: string;
  reportingOfficer?: { name?: string; phone?: string };
  philomenaProfile?: { description?: string; associates?: string; places?: string };
}

export interface Reporter {
  organisationId: string;
  organisationKind: string;
}

export interface MissingEpisode {
  id: string;
  reporter: Reporter;
  reportedAt: Date;
  borough: string;
  riskGrade: RiskGrade;
  isChild: boolean;
  traffickingMarkers: TraffickingMarker[];
  lastSeenAt: Date;
  report: MissingEpisodeReportInput;
}

/**
 * Anyone under 18, or whose age is disputed or unknown, is treated as a child (NRM guidance:
 * a person who may be under 18 is presumed to be one until an age assessment says otherwise).
 */
export function isTreatedAsChild(child: MissingEpisodeReportInput['child']): boolean {
  if (child.ageDisputed) return true;
  if (child.ageYears === undefined) return true;
  return child.ageYears < 18;
}

export function recordMissingEpisode(
  id: string,
  report: MissingEpisodeReportInput,
  reporter: Reporter,
  now: Date,
): MissingEpisode {
  return {
    id,
    reporter,
    reportedAt: now,
    borough: report.borough,
    riskGrade: report.riskGrade,
    isChild: isTreatedAsChild(report.child),
    traffickingMarkers: [...new Set(report.traffickingMarkers)],
    lastSeenAt: new Date(report.lastSeenAt),
    report,
  };
}

/** A report may not say the child was last seen in the future (a little clock skew allowed). */
export function lastSeenIsPlausible(report: MissingEpisodeReportInput, now: Date): boolean {
  const skewMs = 5 * 60_000;
  return new Date(report.lastSeenAt).getTime() <= now.getTime() + skewMs;
}
