import type {
  DisclosureLevel,
  EscalationPolicy,
  OrganisationKind,
  Severity,
} from '@harbour/contracts';

/** Who notification must reach; every filter narrows the roles' selection except `organisations`. */
export interface Audience {
  roles: OrganisationKind[];
  boroughs: string[];
  ageGroup?: 'child' | 'adult' | 'any';
  /** Directory specialisms a recipient must offer, every one of them. */
  specialisms?: string[];
  /** A recipient must offer at least one of these specialisms. */
  anyOfSpecialisms?: string[];
  /** A recipient must offer at least one of these languages (ISO 639-1). */
  languages?: string[];
  /** Organisations named by id, reached in addition to the roles' selection (e.g. a planner). */
  organisations?: string[];
  /**
   * Only the named `organisations` are reached, and only those whose kind is one of `roles` (one
   * provider's bed offer, one requester's answer): the other filters select nobody.
   */
  namedOnly?: boolean;
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
