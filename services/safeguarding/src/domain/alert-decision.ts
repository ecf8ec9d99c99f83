/** What safeguarding decides must happen when something is reported: who, how urgently, what they may see. */
export type Severity = 'critical' | 'high' | 'informational';
export type DisclosureLevel = 'notice' | 'operational' | 'personal';
export type OrganisationKind =
  | 'police_borough'
  | 'police_specialist'
  | 'immigration'
  | 'local_authority'
  | 'ngo'
  | 'housing_provider'
  | 'missing_person_unit'
  | 'coordinator';

export interface Audience {
  roles: OrganisationKind[];
  boroughs: string[];
  ageGroup?: 'child' | 'adult' | 'any';
}

export interface SummaryLine {
  label: string;
  value: string;
}

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
