import type { Severity } from '@harbour/contracts';
import type { AlertDecision } from './alert-decision';
import { formatLondonTime } from '@harbour/london';

export interface ReportedMissingEpisode {
  episodeId: string;
  isChild: boolean;
  ageYears?: number;
  ageDisputed: boolean;
  gender: string;
  traffickingMarkers: string[];
  borough: string;
  boroughName: string;
  riskGrade: 'very_low' | 'low' | 'medium' | 'high';
  lastSeenAt: string;
}

const MARKER_LABELS: Record<string, string> = {
  open_nrm_referral: 'open NRM referral',
  ictg_allocated: 'Independent Child Trafficking Guardian allocated',
  suspected_exploitation: 'suspected exploitation',
  unaccompanied: 'unaccompanied',
  known_victim: 'known victim of trafficking',
};

const ACKNOWLEDGE_WITHIN: Record<Severity, number> = {
  critical: 15,
  high: 60,
  informational: 24 * 60,
};

/**
 * DOMAIN.md: a missing child with a trafficking marker is critical (acknowledge within 15
 * minutes); a high-risk adult is high (60 minutes); the rest are informational.
 * A trafficked child is at high risk of being re-trafficked, whatever grade the report gave.
 */
export function severityOf(episode: ReportedMissingEpisode): { severity: Severity; rule: string } {
  if (episode.isChild && episode.traffickingMarkers.length > 0) {
    return { severity: 'critical', rule: 'missing-child-with-trafficking-marker' };
  }
  if (!episode.isChild && episode.riskGrade === 'high') {
    return { severity: 'high', rule: 'missing-high-risk-adult' };
  }
  return { severity: 'informational', rule: 'missing-person-other' };
}

function describeAge(episode: ReportedMissingEpisode): string {
  if (episode.ageDisputed) {
    return episode.ageYears === undefined
      ? 'age disputed (treated as a child)'
      : `${episode.ageYears} (age disputed, treated as a child)`;
  }
  return episode.ageYears === undefined ? 'unknown (treated as a child)' : String(episode.ageYears);
}

/**
 * The alert to the borough's missing-person unit. The summary carries no names, dates of
 * birth or places: those stay behind the authenticated view for roles with a lawful need.
 */
export function assessMissingEpisode(episode: ReportedMissingEpisode): AlertDecision {
  const { severity, rule } = severityOf(episode);
  const subjectWord = episode.isChild ? 'child' : 'adult';
  const trafficking = episode.traffickingMarkers.length > 0 ? ' with trafficking marker' : '';
  return {
    severity,
    acknowledgeWithinMinutes: ACKNOWLEDGE_WITHIN[severity],
    audience: {
      roles: ['missing_person_unit'],
      boroughs: [episode.borough],
      ageGroup: episode.isChild ? 'child' : 'adult',
    },
    disclosure: 'operational',
    title: `Missing ${subjectWord}${trafficking} — ${episode.boroughName}`,
    lines: [
      { label: 'Borough', value: episode.boroughName },
      { label: 'Age', value: describeAge(episode) },
      { label: 'Gender', value: episode.gender.replace('_', '-') },
      { label: 'Police risk grade', value: episode.riskGrade.replace('_', ' ') },
      {
        label: 'Trafficking markers',
        value:
          episode.traffickingMarkers.length > 0
            ? episode.traffickingMarkers.map((m) => MARKER_LABELS[m] ?? m).join('; ')
            : 'none recorded',
      },
      { label: 'Last seen', value: formatLondonTime(episode.lastSeenAt) },
      { label: 'Episode reference', value: episode.episodeId },
    ],
    rule,
  };
}
