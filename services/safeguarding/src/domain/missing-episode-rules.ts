import type { OrganisationKind, RiskGrade, Severity } from '@harbour/contracts';
import type { AlertDecision, Audience, StageRelease, SummaryLine } from './alert-decision';
import { formatLondonTime } from '@harbour/london';
import { describeRepeatEpisodes, type RepeatEpisodes } from './repeat-episodes';

export interface ReportedMissingEpisode {
  episodeId: string;
  isChild: boolean;
  ageYears?: number;
  ageDisputed: boolean;
  gender: string;
  traffickingMarkers: string[];
  borough: string;
  boroughName: string;
  riskGrade: RiskGrade;
  lastSeenAt: string;
  /** Markers Harbour added itself (an open NRM referral matched this person), not the reporter. */
  markersLinkedByHarbour?: string[];
  /** Set when this person went missing before in the last 12 months. */
  repeat?: RepeatEpisodes;
}

/** Who may see police-only detail (the Philomena profile, the reason for a regrade). */
export const POLICE_ROLES: OrganisationKind[] = [
  'police_borough',
  'police_specialist',
  'missing_person_unit',
];

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

function describeGrade(grade: RiskGrade): string {
  return grade.replace('_', ' ');
}

function describeMarkers(episode: ReportedMissingEpisode): string {
  if (episode.traffickingMarkers.length === 0) return 'none recorded';
  const linked = episode.markersLinkedByHarbour ?? [];
  return episode.traffickingMarkers
    .map((m) => `${MARKER_LABELS[m] ?? m}${linked.includes(m) ? ' (linked by Harbour)' : ''}`)
    .join('; ');
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
    lines: summaryLines(episode),
    rule,
  };
}

function summaryLines(episode: ReportedMissingEpisode): SummaryLine[] {
  const linked = episode.markersLinkedByHarbour ?? [];
  return [
    { label: 'Borough', value: episode.boroughName },
    { label: 'Age', value: describeAge(episode) },
    { label: 'Gender', value: episode.gender.replace('_', '-') },
    { label: 'Police risk grade', value: describeGrade(episode.riskGrade) },
    { label: 'Trafficking markers', value: describeMarkers(episode) },
    ...(linked.length > 0
      ? [
          {
            label: 'Linked by Harbour',
            value: LINKED_BY_HARBOUR,
          },
        ]
      : []),
    ...(episode.repeat !== undefined
      ? [{ label: 'Repeat episodes', value: describeRepeatEpisodes(episode.repeat) }]
      : []),
    { label: 'Last seen', value: formatLondonTime(episode.lastSeenAt) },
    { label: 'Episode reference', value: episode.episodeId },
  ];
}

export interface RiskRegrade {
  previousRiskGrade: RiskGrade;
  riskGrade: RiskGrade;
  regradedAt: string;
  /** Free text from police: personal data, released to police roles only. */
  reason?: string;
}

/**
 * What new knowledge about an open episode changes. When the severity changes, a new alert
 * supersedes the current one (new audience, new acknowledgement window, new escalation; going
 * down thus stops the escalation above the new level), followed by `stages`. When it does not,
 * the current alert's recipients get the news as follow-up `stages`.
 */
export type Reassessment =
  | { kind: 'supersede'; decision: AlertDecision; stages: StageRelease[] }
  | { kind: 'follow-up'; stages: StageRelease[] };

const LINKED_BY_HARBOUR =
  'This person matches an open NRM referral known to Harbour; the marker was added by Harbour, not by the reporter.';

/**
 * A risk regrade: a superseding alert titled "risk regraded" when the severity changes, else an
 * operational follow-up. The police reason, if any, goes to police roles only.
 */
export function assessRegrade(
  regraded: ReportedMissingEpisode,
  regrade: RiskRegrade,
  currentSeverity: Severity,
): Reassessment {
  const change = `from ${describeGrade(regrade.previousRiskGrade)} to ${describeGrade(regrade.riskGrade)}`;
  const reasonStage: StageRelease[] =
    regrade.reason === undefined
      ? []
      : [
          {
            level: 'personal',
            title: `Reason for risk regrade — ${regraded.boroughName}`,
            lines: [
              { label: 'Reason for regrade', value: regrade.reason },
              { label: 'Episode reference', value: regraded.episodeId },
            ],
            reason: 'Risk regrade reason: police recipients only',
            roles: POLICE_ROLES,
          },
        ];
  const decision = assessMissingEpisode(regraded);
  if (decision.severity !== currentSeverity) {
    return {
      kind: 'supersede',
      decision: {
        ...decision,
        title: `${decision.title} — risk regraded`,
        lines: [
          ...decision.lines.slice(0, -1),
          {
            label: 'Risk regraded',
            value: `${change} at ${formatLondonTime(regrade.regradedAt)}; this alert replaces the ${currentSeverity} one`,
          },
          ...decision.lines.slice(-1),
        ],
      },
      stages: reasonStage,
    };
  }
  return {
    kind: 'follow-up',
    stages: [
      {
        level: 'operational',
        title: `Risk regraded ${change} — ${regraded.boroughName}`,
        lines: [
          { label: 'Risk regraded', value: change },
          { label: 'Regraded at', value: formatLondonTime(regrade.regradedAt) },
          { label: 'Severity', value: `unchanged (${currentSeverity})` },
          { label: 'Episode reference', value: regraded.episodeId },
        ],
        reason: `Risk regraded ${change}; severity unchanged`,
      },
      ...reasonStage,
    ],
  };
}

/**
 * An NRM referral of the same person arrived after the episode was reported (the two travel on
 * different topics, so either may come first): `linked` already carries the `open_nrm_referral`
 * marker Harbour added. For a child this makes the episode critical: a superseding alert.
 */
export function assessLinkedReferral(
  linked: ReportedMissingEpisode,
  currentSeverity: Severity,
): Reassessment {
  const decision = assessMissingEpisode(linked);
  if (decision.severity !== currentSeverity) {
    return {
      kind: 'supersede',
      decision: { ...decision, title: `${decision.title} — linked to an open NRM referral` },
      stages: [],
    };
  }
  return {
    kind: 'follow-up',
    stages: [
      {
        level: 'operational',
        title: `Linked to an open NRM referral — ${linked.boroughName}`,
        lines: [
          { label: 'Trafficking markers', value: describeMarkers(linked) },
          { label: 'Linked by Harbour', value: LINKED_BY_HARBOUR },
          { label: 'Episode reference', value: linked.episodeId },
        ],
        reason: 'Harbour linked the episode to an open NRM referral; severity unchanged',
      },
    ],
  };
}
