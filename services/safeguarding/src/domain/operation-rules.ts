import type { ExploitationType, PremisesKind, Severity } from '@harbour/contracts';
import { adjacentAuthorities, formatLondonTime } from '@harbour/london';
import type { AlertDecision, Audience, SummaryLine } from './alert-decision';
import type { KnownVictimAnswer } from './known-victim-query';
import {
  boroughName,
  describeDateWindow,
  describeGenders,
  describeLanguages,
  isUkviOperation,
  noticeLines,
  operationHeading,
  operationKindLabel,
  type OperationState,
  premisesLabel,
} from './operation-notice';

/** Every rule an operation plan can fire, one alert each. */
export type OperationRuleName =
  | 'operation-borough-spoc'
  | 'operation-ngo-prebrief'
  | 'operation-short-notice-coordinator'
  | 'operation-children-local-authority'
  | 'operation-children-ngo'
  | 'operation-language-support'
  | 'operation-housing-standby'
  | 'operation-displacement-watch-spoc'
  | 'operation-displacement-watch-outreach'
  | 'operation-victim-first';

export interface OperationRuleSettings {
  severity: Severity;
  acknowledgeWithinMinutes: number;
  /** The address and exact time follow, to vetted kinds only, at the lead time before start. */
  operationalRelease: boolean;
  /** `plan`: when the plan (or its update) is handled; `start`: at the operation's start. */
  firesAt: 'plan' | 'start';
}

/** Severity, acknowledgement window and disclosure of each rule, as data (README table). */
export const OPERATION_RULES: Readonly<Record<OperationRuleName, OperationRuleSettings>> = {
  'operation-borough-spoc': {
    severity: 'high',
    acknowledgeWithinMinutes: 60,
    operationalRelease: true,
    firesAt: 'plan',
  },
  'operation-ngo-prebrief': {
    severity: 'high',
    acknowledgeWithinMinutes: 240,
    operationalRelease: false,
    firesAt: 'plan',
  },
  'operation-short-notice-coordinator': {
    severity: 'high',
    acknowledgeWithinMinutes: 60,
    operationalRelease: false,
    firesAt: 'plan',
  },
  'operation-children-local-authority': {
    severity: 'high',
    acknowledgeWithinMinutes: 120,
    operationalRelease: false,
    firesAt: 'plan',
  },
  'operation-children-ngo': {
    severity: 'high',
    acknowledgeWithinMinutes: 120,
    operationalRelease: false,
    firesAt: 'plan',
  },
  'operation-language-support': {
    severity: 'high',
    acknowledgeWithinMinutes: 240,
    operationalRelease: false,
    firesAt: 'plan',
  },
  'operation-housing-standby': {
    severity: 'high',
    acknowledgeWithinMinutes: 240,
    operationalRelease: false,
    firesAt: 'plan',
  },
  'operation-displacement-watch-spoc': {
    severity: 'informational',
    acknowledgeWithinMinutes: 1440,
    operationalRelease: false,
    firesAt: 'start',
  },
  'operation-displacement-watch-outreach': {
    severity: 'informational',
    acknowledgeWithinMinutes: 1440,
    operationalRelease: false,
    firesAt: 'start',
  },
  'operation-victim-first': {
    severity: 'high',
    acknowledgeWithinMinutes: 60,
    operationalRelease: true,
    firesAt: 'plan',
  },
};

export interface OperationRulesConfig {
  /** A pre-brief posted less than this many hours before start is short notice. */
  prebriefMinHours: number;
  /** How long after the start neighbouring boroughs watch for displaced people. */
  displacementWatchHours: number;
  /** Minutes before start at which the operational detail is released (said in the SPoC's notice). */
  releaseLeadMinutes: number;
}

/** One alert the plan calls for, with the rule's timing and disclosure. */
export interface PlannedOperationAlert extends OperationRuleSettings {
  rule: OperationRuleName;
  decision: AlertDecision;
}

/** Premises where potential victims are likely, whatever the planner flagged. */
const VULNERABLE_PREMISES: ReadonlySet<PremisesKind> = new Set<PremisesKind>([
  'brothel',
  'massage_parlour',
  'cannabis_farm',
  'car_wash',
  'nail_bar',
  'house_in_multiple_occupation',
  'private_household',
  'construction_site',
  'street',
]);

/** Directory specialisms of the NGOs that support people found at each kind of premises. */
const PREMISES_SPECIALISMS: Readonly<Partial<Record<PremisesKind, readonly string[]>>> = {
  brothel: ['sexual'],
  massage_parlour: ['sexual'],
  cannabis_farm: ['criminal'],
  car_wash: ['labour'],
  nail_bar: ['labour'],
  restaurant: ['labour'],
  factory_or_warehouse: ['labour'],
  construction_site: ['labour'],
  private_household: ['domestic_servitude', 'domestic_workers'],
  house_in_multiple_occupation: ['labour', 'homelessness'],
  street: ['sexual', 'homelessness'],
};

/** Exploitation types that name a support specialism (organ harvesting and unknown do not). */
const EXPLOITATION_SPECIALISMS: Readonly<Partial<Record<ExploitationType, string>>> = {
  sexual: 'sexual',
  labour: 'labour',
  criminal: 'criminal',
  domestic_servitude: 'domestic_servitude',
};

/** Sex-work premises and street operations push people into the next borough. */
const DISPLACING_PREMISES: ReadonlySet<PremisesKind> = new Set<PremisesKind>([
  'brothel',
  'massage_parlour',
  'street',
]);

const HOUR_MS = 3_600_000;

function planned(
  rule: OperationRuleName,
  audience: Audience,
  title: string,
  lines: SummaryLine[],
): PlannedOperationAlert {
  const settings = OPERATION_RULES[rule];
  return {
    rule,
    ...settings,
    decision: {
      severity: settings.severity,
      acknowledgeWithinMinutes: settings.acknowledgeWithinMinutes,
      audience,
      disclosure: 'notice',
      title,
      lines,
      rule,
    },
  };
}

/** Potential victims may be present: the planner says so, the premises suggest it, or it is a welfare visit. */
export function vulnerablePeopleLikely(state: OperationState): boolean {
  const { notice } = state;
  return (
    notice.vulnerablePeopleLikely ||
    VULNERABLE_PREMISES.has(notice.premisesKind) ||
    notice.kind === 'welfare_visit'
  );
}

/** The NGOs a pre-brief (and later the outcome) reaches; undefined when no pre-brief applies. */
export function prebriefAudience(state: OperationState): Audience | undefined {
  if (!vulnerablePeopleLikely(state)) return undefined;
  const { notice } = state;
  const specialisms = new Set<string>(PREMISES_SPECIALISMS[notice.premisesKind] ?? []);
  for (const type of notice.exploitationTypes) {
    const specialism = EXPLOITATION_SPECIALISMS[type];
    if (specialism !== undefined) specialisms.add(specialism);
  }
  return {
    roles: ['ngo'],
    boroughs: [notice.borough],
    ...(specialisms.size > 0 ? { anyOfSpecialisms: [...specialisms] } : {}),
    ageGroup: notice.childrenLikely ? 'any' : 'adult',
  };
}

/** Whole hours between the plan (or its update) and the start, when fewer than partners need. */
export function shortNoticeHours(
  state: OperationState,
  decidedAt: string,
  config: OperationRulesConfig,
): number | undefined {
  const hours = (Date.parse(state.startsAt) - Date.parse(decidedAt)) / HOUR_MS;
  return hours < config.prebriefMinHours ? Math.max(0, Math.floor(hours)) : undefined;
}

function describeNotice(hours: number, config: OperationRulesConfig): string {
  const given = hours === 0 ? 'less than 1 hour' : `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  return `${given}' notice before the start (partners ask for at least ${config.prebriefMinHours} hours)`;
}

function boroughSpoc(state: OperationState, config: OperationRulesConfig): PlannedOperationAlert {
  const { notice } = state;
  const borough = boroughName(notice.borough);
  const title = isUkviOperation(state)
    ? `UKVI ${operationKindLabel(notice.kind)} planned — ${borough}`
    : `Planned ${operationKindLabel(notice.kind)} — ${premisesLabel(notice.premisesKind)} — ${borough}`;
  return planned(
    'operation-borough-spoc',
    { roles: ['police_borough'], boroughs: [notice.borough] },
    title,
    [
      ...noticeLines(state),
      {
        label: 'Operational detail',
        value: `the address and exact time follow ${config.releaseLeadMinutes} minutes before the start, to vetted police and immigration partners`,
      },
    ],
  );
}

function whatToPrepare(state: OperationState): string {
  const { notice } = state;
  const items = [
    ...(notice.expectedLanguages.length > 0
      ? [`interpreters for ${describeLanguages(notice.expectedLanguages)}`]
      : []),
    ...(notice.expectedPeople.total > 0
      ? [
          `beds: ${describeGenders(notice.expectedPeople)} (${notice.expectedPeople.total} people in total)`,
        ]
      : []),
    ...(notice.childrenLikely ? ["children's services"] : []),
  ];
  return items.length === 0
    ? 'support for potential victims found (welfare, advice, a safe place)'
    : items.join('; ');
}

function prebrief(
  state: OperationState,
  decidedAt: string,
  config: OperationRulesConfig,
): PlannedOperationAlert[] {
  const audience = prebriefAudience(state);
  if (audience === undefined) return [];
  const hours = shortNoticeHours(state, decidedAt, config);
  const shortNotice: SummaryLine[] =
    hours === undefined ? [] : [{ label: 'Short notice', value: describeNotice(hours, config) }];
  const heading = operationHeading(state);
  return [
    planned(
      'operation-ngo-prebrief',
      audience,
      `${hours === undefined ? '' : 'SHORT NOTICE — '}Pre-brief: ${heading}`,
      [
        ...shortNotice,
        ...noticeLines(state),
        { label: 'What to prepare', value: whatToPrepare(state) },
        { label: 'Reply', value: 'acknowledge with what you can bring' },
      ],
    ),
    ...(hours === undefined
      ? []
      : [
          planned(
            'operation-short-notice-coordinator',
            { roles: ['coordinator'], boroughs: [state.notice.borough] },
            `Short-notice operation: ${heading}`,
            [
              ...shortNotice,
              ...noticeLines(state),
              {
                label: 'What to do',
                value: 'check that NGOs and housing providers can respond in time',
              },
            ],
          ),
        ]),
  ];
}

function children(state: OperationState): PlannedOperationAlert[] {
  const { notice } = state;
  if (!notice.childrenLikely) return [];
  const title = `Children likely: ${operationHeading(state)}`;
  return [
    planned(
      'operation-children-local-authority',
      { roles: ['local_authority'], boroughs: [notice.borough], ageGroup: 'child' },
      title,
      [
        ...noticeLines(state),
        {
          label: 'What to prepare',
          value:
            "children's services on stand-by: a child found is referred to the NRM without consent and the Independent Child Trafficking Guardian service is told; a person whose age is disputed is treated as a child",
        },
      ],
    ),
    planned(
      'operation-children-ngo',
      {
        roles: ['ngo'],
        boroughs: [notice.borough],
        specialisms: ['children'],
        ageGroup: 'child',
      },
      title,
      [
        ...noticeLines(state),
        {
          label: 'What to prepare',
          value: 'child-specialist support and the guardian service on stand-by',
        },
      ],
    ),
  ];
}

function languageSupport(state: OperationState): PlannedOperationAlert[] {
  const { notice } = state;
  if (notice.expectedLanguages.length === 0) return [];
  return [
    planned(
      'operation-language-support',
      { roles: ['ngo'], boroughs: [notice.borough], languages: [...notice.expectedLanguages] },
      `Interpreters needed: ${operationHeading(state)}`,
      [
        ...noticeLines(state),
        { label: 'Interpreters needed', value: describeLanguages(notice.expectedLanguages) },
        { label: 'Reply', value: 'acknowledge with the interpreters you can bring' },
      ],
    ),
  ];
}

function housingStandby(state: OperationState): PlannedOperationAlert[] {
  const { notice } = state;
  if (notice.expectedPeople.total <= 0) return [];
  return [
    planned(
      'operation-housing-standby',
      {
        roles: ['housing_provider'],
        boroughs: [notice.borough, ...adjacentAuthorities(notice.borough)],
      },
      `Bed stand-by: ${operationHeading(state)}`,
      [
        ...noticeLines(state),
        {
          label: 'Stand-by',
          value: `how many beds could you offer tonight, by gender? (expected: ${describeGenders(notice.expectedPeople)}; ${notice.expectedPeople.total} people in total)`,
        },
        { label: 'Reply', value: 'acknowledge with the beds you could offer' },
      ],
    ),
  ];
}

/**
 * The displacement watch to the neighbouring boroughs' SPoCs and outreach teams. It goes out at
 * the start (not at planning): the neighbours need to know when to look, not to be told early.
 */
export function displacementWatch(
  state: OperationState,
  config: OperationRulesConfig,
): PlannedOperationAlert[] {
  const { notice } = state;
  if (!DISPLACING_PREMISES.has(notice.premisesKind)) return [];
  const neighbours = [...adjacentAuthorities(notice.borough)];
  const borough = boroughName(notice.borough);
  const premises = premisesLabel(notice.premisesKind);
  const watchUntil = new Date(Date.parse(state.startsAt) + config.displacementWatchHours * HOUR_MS);
  const title = `Displacement watch: ${premises} operation in ${borough}`;
  const lines: SummaryLine[] = [
    { label: 'Operation borough', value: borough },
    { label: 'Premises', value: premises },
    { label: 'Operation', value: operationKindLabel(notice.kind) },
    { label: 'Watch window', value: `until ${formatLondonTime(watchUntil)} (London time)` },
    {
      label: 'What to do',
      value:
        'people moved out of the premises may turn up in your borough: watch for new premises, street activity and people in need of support',
    },
    { label: 'Operation reference', value: state.operationId },
  ];
  return [
    planned(
      'operation-displacement-watch-spoc',
      { roles: ['police_borough'], boroughs: neighbours },
      title,
      lines,
    ),
    planned(
      'operation-displacement-watch-outreach',
      { roles: ['ngo'], boroughs: neighbours, anyOfSpecialisms: ['outreach'] },
      title,
      lines,
    ),
  ];
}

function describeMatch(answer: KnownVictimAnswer): string {
  return answer.matchedOn.join(' and ');
}

function victimFirst(
  state: OperationState,
  knownVictim: KnownVictimAnswer,
): PlannedOperationAlert[] {
  if (!knownVictim.match) return [];
  const { notice } = state;
  return [
    planned(
      'operation-victim-first',
      {
        roles: ['police_specialist'],
        boroughs: [notice.borough],
        organisations: [state.planner.organisationId],
      },
      `Victim-first handling — ${boroughName(notice.borough)}`,
      [
        {
          label: 'Victim-first handling',
          value: `A place in this plan is linked to an open case (matched on ${describeMatch(knownVictim)}). Treat everyone found as a potential victim first; ask the specialist unit before acting.`,
        },
        { label: 'Borough', value: boroughName(notice.borough) },
        { label: 'Date window', value: describeDateWindow(notice.startWindow) },
        { label: 'Operation', value: operationKindLabel(notice.kind) },
        { label: 'Premises', value: premisesLabel(notice.premisesKind) },
        { label: 'Operation reference', value: state.operationId },
      ],
    ),
  ];
}

export interface OperationAssessmentInput {
  /** When the plan (or its update) was made: short notice is measured from here. */
  decidedAt: string;
  /** Whether the plan's address or postcode is linked to an open case. */
  knownVictim: KnownVictimAnswer;
}

/**
 * Who must be told about a planned operation, and when: one alert per rule that applies. Every
 * alert is a notice (no address, postcode, exact time or lead contact); the rules marked
 * `operationalRelease` get the operational detail later, the displacement watch fires at start.
 */
export function assessOperation(
  state: OperationState,
  input: OperationAssessmentInput,
  config: OperationRulesConfig,
): PlannedOperationAlert[] {
  return [
    boroughSpoc(state, config),
    ...prebrief(state, input.decidedAt, config),
    ...children(state),
    ...languageSupport(state),
    ...housingStandby(state),
    ...displacementWatch(state, config),
    ...victimFirst(state, input.knownVictim),
  ];
}
