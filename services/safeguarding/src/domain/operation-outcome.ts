import type { OperationKind, OperationOutcome, Severity } from '@harbour/contracts';
import type { AlertDecision, Audience, SummaryLine } from './alert-decision';
import { boroughName, describeLanguages, operationKindLabel } from './operation-notice';

export type OperationOutcomeRule = 'operation-outcome-ngo' | 'operation-outcome-police';

/** Severity and window of the outcome alerts, as data (README table). */
export const OPERATION_OUTCOME_RULES: Readonly<
  Record<OperationOutcomeRule, { severity: Severity; acknowledgeWithinMinutes: number }>
> = {
  'operation-outcome-ngo': { severity: 'informational', acknowledgeWithinMinutes: 1440 },
  'operation-outcome-police': { severity: 'informational', acknowledgeWithinMinutes: 1440 },
};

const NEED_LABELS: Record<string, string> = {
  interpreter: 'interpreter',
  accommodation: 'accommodation',
  legal_advice: 'legal advice',
  immigration_advice: 'immigration advice',
  employment_rights: 'employment rights',
  medical: 'medical',
  mental_health: 'mental health',
  safeguarding_children: 'safeguarding children',
  financial_support: 'financial support',
};

export interface RecordedOutcome {
  operationId: string;
  borough: string;
  kind: OperationKind;
  outcome: OperationOutcome;
  /** The pre-brief's NGO audience; absent when no pre-brief applied (no NGO outcome then). */
  ngoAudience?: Audience;
}

function countLines(outcome: OperationOutcome): SummaryLine[] {
  return [
    { label: 'People encountered', value: String(outcome.peopleEncountered) },
    { label: 'Potential victims identified', value: String(outcome.potentialVictimsIdentified) },
    ...(outcome.childrenIdentified !== undefined
      ? [{ label: 'Children identified', value: String(outcome.childrenIdentified) }]
      : []),
    { label: 'NRM referrals', value: String(outcome.nrmReferralsMade) },
    ...(outcome.dutyToNotifyReports !== undefined
      ? [{ label: 'Duty to Notify reports', value: String(outcome.dutyToNotifyReports) }]
      : []),
  ];
}

function decision(
  rule: OperationOutcomeRule,
  audience: Audience,
  disclosure: AlertDecision['disclosure'],
  title: string,
  lines: SummaryLine[],
): AlertDecision {
  return { ...OPERATION_OUTCOME_RULES[rule], audience, disclosure, title, lines, rule };
}

/**
 * The outcome shared back: to the NGOs the pre-brief reached, the counts and the redacted welfare
 * findings (never arrests, which are for police); to the borough SPoC the counts with arrests.
 */
export function operationOutcomeAlerts(recorded: RecordedOutcome): AlertDecision[] {
  const { outcome } = recorded;
  const borough = boroughName(recorded.borough);
  const title = `Outcome: ${operationKindLabel(recorded.kind)} — ${borough}`;
  const heading: SummaryLine[] = [
    { label: 'Borough', value: borough },
    { label: 'Operation', value: operationKindLabel(recorded.kind) },
  ];
  const reference: SummaryLine = { label: 'Operation reference', value: recorded.operationId };
  const findings = outcome.welfareFindings;
  const ngo =
    recorded.ngoAudience === undefined
      ? []
      : [
          decision('operation-outcome-ngo', recorded.ngoAudience, 'notice', title, [
            ...heading,
            ...countLines(outcome),
            ...(findings?.needs !== undefined && findings.needs.length > 0
              ? [
                  {
                    label: 'Support needs',
                    value: findings.needs.map((n) => NEED_LABELS[n] ?? n).join(', '),
                  },
                ]
              : []),
            ...(findings?.languages !== undefined && findings.languages.length > 0
              ? [{ label: 'Languages', value: describeLanguages(findings.languages) }]
              : []),
            ...(findings?.summary !== undefined
              ? [{ label: 'Findings', value: findings.summary }]
              : []),
            reference,
          ]),
        ];
  const police = decision(
    'operation-outcome-police',
    { roles: ['police_borough'], boroughs: [recorded.borough] },
    'operational',
    title,
    [
      ...heading,
      ...countLines(outcome),
      { label: 'Arrests', value: String(outcome.arrests) },
      reference,
    ],
  );
  return [...ngo, police];
}
