import type { DisclosureLevel, OrganisationKind, Severity } from '@harbour/contracts';

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
}
