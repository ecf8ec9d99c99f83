import type {
  DisclosureLevel,
  EscalationPolicy,
  OrganisationKind,
  Severity,
} from '@harbour/contracts';

export interface Audience {
  roles: OrganisationKind[];
  boroughs: string[];
  ageGroup?: 'child' | 'adult' | 'any';
}

export interface SummaryLine {
  label: string;
  value: string;
}

/** What safeguarding decides must happen when something is reported: who, how urgently, what they may see. */
export interface AlertDecision {
  severity: Severity;
  acknowledgeWithinMinutes: number;
  audience: Audience;
  disclosure: DisclosureLevel;
  title: string;
  lines: SummaryLine[];
  /** The rule that fired, so anyone can ask why this alert was raised. */
  rule: string;
  /** Absent: notification applies the severity's default policy. */
  escalationPolicy?: EscalationPolicy;
}

/**
 * A later disclosure stage of an alert already raised: more detail (or news) for the recipients
 * cleared for `level`, narrowed to the organisation kinds in `roles` when given.
 */
export interface StageRelease {
  level: DisclosureLevel;
  title: string;
  lines: SummaryLine[];
  /** Why it was released, for the audit trail (no personal data). */
  reason: string;
  roles?: OrganisationKind[];
}
