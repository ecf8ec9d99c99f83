import type { Severity } from '@harbour/contracts';
import type { AlertDecision, Audience } from './alert-decision';
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
 * A missing child (under 18, or age disputed) with a trafficking marker is critical (acknowledge
 * within 15 minutes): a trafficked child is at high risk of being re-trafficked, whatever grade
 * the report gave. A high-risk adult with a trafficking marker is high (60 minutes). The rest are
 * informational.
 */
export function severityOf(episode: ReportedMissingEpisode): { severity: Severity; rule: string } {
  const marked = episode.traffickingMarkers.length > 0;
  if (episode.isChild && marked) {
    return { severity: 'critical', rule: 'missing-child-with-trafficking-marker' };
  }
  if (!episode.isChild && marked && episode.riskGrade === 'high') {
    return { severity: 'high', rule: 'missing-high-risk-adult-with-trafficking-marker' };
  }
  return { severity: 'informational', rule: 'missing-person-other' };
}

/**
 * Who must know, by severity. Critical: the borough's missing-person unit, the specialist modern
 * slavery unit, the child's local authority and NGOs that work with children (the guardian
 * service among them) — an organisation serving pan-London is reached for any borough. High: the
 * missing-person unit and the specialist unit. Informational: the borough's police SPoC.
 */
export function audienceOf(episode: ReportedMissingEpisode, severity: Severity): Audience {
  const ageGroup = episode.isChild ? 'child' : 'adult';
  switch (severity) {
    case 'critical':
      return {
        roles: ['missing_person_unit', 'police_specialist', 'local_authority', 'ngo'],
        boroughs: [episode.borough],
        ageGroup,
      };
    case 'high':
      return {
        roles: ['missing_person_unit', 'police_specialist'],
        boroughs: [episode.borough],
        ageGroup,
      };
    case 'informational':
      return { roles: ['police_borough'], boroughs: [episode.borough], ageGroup };
  }
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
 * The alert about a missing person. The summary carries no names, dates of birth or places:
 * those stay behind the authenticated view for roles with a lawful need (the Philomena profile
 * for police only).
 */
export function assessMissingEpisode(episode: ReportedMissingEpisode): AlertDecision {
  const { severity, rule } = severityOf(episode);
  const subjectWord = episode.isChild ? 'child' : 'adult';
  const trafficking = episode.traffickingMarkers.length > 0 ? ' with trafficking marker' : '';
  return {
    severity,
    acknowledgeWithinMinutes: ACKNOWLEDGE_WITHIN[severity],
    audience: audienceOf(episode, severity),
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
