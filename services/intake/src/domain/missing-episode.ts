import type {
  MissingEpisodeReportBody,
  OrganisationRef,
  RiskGrade,
  TraffickingMarker,
} from '@harbour/contracts';

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
  report: MissingEpisodeReportInput;
}

/**
 * Anyone under 18, or whose age is disputed or unknown, is treated as a child (NRM guidance:
 * a person who may be under 18 is presumed to be one until an age assessment says otherwise).
 */
export function isTreatedAsChild(child: MissingEpisodeReportInput['child']): boolean {
  if (child.ageDisputed === true) return true;
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
