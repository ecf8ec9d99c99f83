import type { ExploitationType, OperationDetails, OrganisationKind } from '@harbour/contracts';
import { adjacentAuthorities, formatLondonTime } from '@harbour/london';
import type { KnownVictimAnswer } from './known-victim-query';
import type { OperationState } from './operation-notice';
import {
  assessOperation,
  OPERATION_RULES,
  type OperationRulesConfig,
  type PlannedOperationAlert,
} from './operation-rules';

const NEWHAM = 'E09000025';
const WESTMINSTER = 'E09000033';
const CONFIG: OperationRulesConfig = {
  prebriefMinHours: 24,
  displacementWatchHours: 72,
  releaseLeadMinutes: 120,
};
const NO_MATCH: KnownVictimAnswer = { match: false, matchedOn: [] };
const PLANNED_AT = '2026-12-01T09:00:00Z';

/** What the notices must never carry: the operational stage of each plan. */
const operational: OperationDetails['operational'] = {
  address: { line1: '14 Quarry Lane', line2: 'Flat 2b', postcode: 'E15 2QS' },
  startsAt: '2026-12-05T06:30:00Z',
  endsAt: '2026-12-05T10:00:00Z',
  timeZone: 'Europe/London',
  leadContact: { name: 'DS Imogen Castellano', phone: '+44 20 7946 0321' },
};

function state(
  overrides: Partial<OperationState['notice']> = {},
  planner: OrganisationKind = 'police_borough',
): OperationState {
  return {
    operationId: 'op-1',
    planner: { organisationId: 'org-planner', organisationKind: planner },
    notice: {
      kind: 'raid',
      borough: NEWHAM,
      premisesKind: 'brothel',
      startWindow: { from: '2026-12-05T00:00:00Z', to: '2026-12-06T00:00:00Z' },
      exploitationTypes: ['sexual'],
      vulnerablePeopleLikely: true,
      childrenLikely: true,
      expectedPeople: { total: 6, women: 4, men: 1, children: 1 },
      expectedLanguages: ['sq', 'ro'],
      ...overrides,
    },
    startsAt: operational.startsAt,
  };
}

const newhamRaid = state();
const westminsterVisit: OperationState = {
  ...state(
    {
      kind: 'welfare_visit',
      borough: WESTMINSTER,
      premisesKind: 'private_household',
      exploitationTypes: ['domestic_servitude'],
      vulnerablePeopleLikely: false,
      childrenLikely: false,
      expectedPeople: { total: 0 },
      expectedLanguages: [],
    },
    'immigration',
  ),
};

const byRule = (alerts: PlannedOperationAlert[], rule: string) => {
  const found = alerts.find((a) => a.rule === rule);
  if (found === undefined) throw new Error(`no ${rule} in ${alerts.map((a) => a.rule).join()}`);
  return found;
};
const rules = (alerts: PlannedOperationAlert[]) => alerts.map((a) => a.rule);
const line = (alert: PlannedOperationAlert, label: string) =>
  alert.decision.lines.find((l) => l.label === label)?.value;

/** Every secret of the operational stage, in the forms a notice could leak it. */
const SECRETS = [
  '14 Quarry Lane',
  'Quarry',
  'Flat 2b',
  'E15 2QS',
  'E152QS',
  'Castellano',
  '7946',
  operational.startsAt,
  formatLondonTime(operational.startsAt),
  formatLondonTime(operational.endsAt),
];

function expectNoOperationalDetail(alerts: PlannedOperationAlert[]): void {
  for (const alert of alerts) {
    const text = JSON.stringify(alert.decision);
    for (const secret of SECRETS) {
      if (text.toLowerCase().includes(secret.toLowerCase())) {
        throw new Error(`${alert.rule} leaks "${secret}"`);
      }
    }
    expect(alert.decision.disclosure).toBe('notice');
  }
}

describe('operation rules', () => {
  it('a Newham brothel raid with children, Albanian and Romanian, 6 people, planned days ahead', () => {
    const alerts = assessOperation(
      newhamRaid,
      { decidedAt: PLANNED_AT, knownVictim: NO_MATCH },
      CONFIG,
    );
    expect(rules(alerts)).toEqual([
      'operation-borough-spoc',
      'operation-ngo-prebrief',
      'operation-children-local-authority',
      'operation-children-ngo',
      'operation-language-support',
      'operation-housing-standby',
      'operation-displacement-watch-spoc',
      'operation-displacement-watch-outreach',
    ]);
    expectNoOperationalDetail(alerts);

    const spoc = byRule(alerts, 'operation-borough-spoc');
    expect(spoc).toMatchObject({
      operationalRelease: true,
      firesAt: 'plan',
      decision: {
        severity: 'high',
        acknowledgeWithinMinutes: 60,
        audience: { roles: ['police_borough'], boroughs: [NEWHAM] },
        title: 'Planned raid — brothel — Newham',
      },
    });
    expect(line(spoc, 'Date window')).toBe('Sat 5 Dec 2026');
    expect(line(spoc, 'Expected people')).toBe('6 in total: 4 women, 1 man, 1 child');
    expect(line(spoc, 'Expected languages')).toBe('Albanian (sq), Romanian (ro)');

    const prebrief = byRule(alerts, 'operation-ngo-prebrief');
    expect(prebrief).toMatchObject({
      operationalRelease: false,
      decision: {
        severity: 'high',
        acknowledgeWithinMinutes: 240,
        audience: {
          roles: ['ngo'],
          boroughs: [NEWHAM],
          anyOfSpecialisms: ['sexual'],
          ageGroup: 'any',
        },
        title: 'Pre-brief: raid — brothel — Newham',
      },
    });
    expect(line(prebrief, 'What to prepare')).toBe(
      "interpreters for Albanian (sq), Romanian (ro); beds: 4 women, 1 man, 1 child (6 people in total); children's services",
    );
    expect(line(prebrief, 'Reply')).toBe('acknowledge with what you can bring');
    expect(line(prebrief, 'Short notice')).toBeUndefined();

    expect(byRule(alerts, 'operation-children-local-authority').decision).toMatchObject({
      severity: 'high',
      acknowledgeWithinMinutes: 120,
      audience: { roles: ['local_authority'], boroughs: [NEWHAM], ageGroup: 'child' },
    });
    expect(byRule(alerts, 'operation-children-ngo').decision).toMatchObject({
      severity: 'high',
      acknowledgeWithinMinutes: 120,
      audience: {
        roles: ['ngo'],
        boroughs: [NEWHAM],
        specialisms: ['children'],
        ageGroup: 'child',
      },
    });
    expect(byRule(alerts, 'operation-language-support').decision).toMatchObject({
      severity: 'high',
      acknowledgeWithinMinutes: 240,
      audience: { roles: ['ngo'], boroughs: [NEWHAM], languages: ['sq', 'ro'] },
      title: 'Interpreters needed: raid — brothel — Newham',
    });

    const housing = byRule(alerts, 'operation-housing-standby');
    expect(housing.decision.audience).toEqual({
      roles: ['housing_provider'],
      boroughs: [NEWHAM, ...adjacentAuthorities(NEWHAM)],
    });
    expect(housing.decision.audience.boroughs).toContain('E09000030'); // Tower Hamlets
    expect(line(housing, 'Stand-by')).toBe(
      'how many beds could you offer tonight, by gender? (expected: 4 women, 1 man, 1 child; 6 people in total)',
    );

    for (const rule of [
      'operation-displacement-watch-spoc',
      'operation-displacement-watch-outreach',
    ] as const) {
      const watch = byRule(alerts, rule);
      expect(watch).toMatchObject({
        firesAt: 'start',
        decision: {
          severity: 'informational',
          acknowledgeWithinMinutes: 1440,
          audience: { boroughs: [...adjacentAuthorities(NEWHAM)] },
          title: 'Displacement watch: brothel operation in Newham',
        },
      });
      expect(watch.decision.audience.boroughs).not.toContain(NEWHAM);
      // Start + 72 hours, London time: the end of the window, never the start.
      expect(line(watch, 'Watch window')).toBe(
        `until ${formatLondonTime('2026-12-08T06:30:00Z')} (London time)`,
      );
    }
    expect(byRule(alerts, 'operation-displacement-watch-spoc').decision.audience.roles).toEqual([
      'police_borough',
    ]);
    expect(byRule(alerts, 'operation-displacement-watch-outreach').decision.audience).toMatchObject(
      {
        roles: ['ngo'],
        anyOfSpecialisms: ['outreach'],
      },
    );
  });

  it('a UKVI welfare visit to a private household in Westminster: SPoC and a domestic-worker pre-brief', () => {
    const alerts = assessOperation(
      westminsterVisit,
      { decidedAt: PLANNED_AT, knownVictim: NO_MATCH },
      CONFIG,
    );
    expect(rules(alerts)).toEqual(['operation-borough-spoc', 'operation-ngo-prebrief']);
    expectNoOperationalDetail(alerts);
    expect(byRule(alerts, 'operation-borough-spoc').decision).toMatchObject({
      title: 'UKVI welfare visit planned — Westminster',
      audience: { roles: ['police_borough'], boroughs: [WESTMINSTER] },
    });
    expect(byRule(alerts, 'operation-ngo-prebrief').decision).toMatchObject({
      title: 'Pre-brief: UKVI welfare visit — private household — Westminster',
      audience: {
        roles: ['ngo'],
        boroughs: [WESTMINSTER],
        anyOfSpecialisms: ['domestic_servitude', 'domestic_workers'],
        ageGroup: 'adult',
      },
    });
    expect(line(byRule(alerts, 'operation-borough-spoc'), 'Planned by')).toBe(
      'UKVI / Immigration Enforcement',
    );
  });

  const cases: [string, Partial<OperationState['notice']>, string[]][] = [
    [
      'the planner’s flag',
      { premisesKind: 'restaurant', vulnerablePeopleLikely: true },
      ['labour'],
    ],
    ['a cannabis farm', { premisesKind: 'cannabis_farm' }, ['criminal']],
    [
      'a house in multiple occupation, labour exploitation',
      { premisesKind: 'house_in_multiple_occupation', exploitationTypes: ['labour'] },
      ['labour', 'homelessness'],
    ],
    [
      'the street, organ harvesting and unknown types skipped',
      {
        premisesKind: 'street',
        exploitationTypes: ['organ_harvesting', 'unknown', 'criminal'] as ExploitationType[],
      },
      ['sexual', 'homelessness', 'criminal'],
    ],
  ];
  it.each(cases)('a pre-brief on %s, to NGOs of %j', (_, overrides, specialisms) => {
    const alerts = assessOperation(
      state({ vulnerablePeopleLikely: false, exploitationTypes: [], ...overrides }),
      { decidedAt: PLANNED_AT, knownVictim: NO_MATCH },
      CONFIG,
    );
    expect(byRule(alerts, 'operation-ngo-prebrief').decision.audience.anyOfSpecialisms).toEqual(
      specialisms,
    );
  });

  it('no pre-brief when nobody vulnerable is likely: a restaurant inspection without the flag', () => {
    const alerts = assessOperation(
      state({
        kind: 'labour_inspection',
        premisesKind: 'restaurant',
        vulnerablePeopleLikely: false,
        childrenLikely: false,
        expectedPeople: { total: 0 },
        expectedLanguages: [],
      }),
      { decidedAt: PLANNED_AT, knownVictim: NO_MATCH },
      CONFIG,
    );
    expect(rules(alerts)).toEqual(['operation-borough-spoc']);
  });

  it('short notice: the pre-brief says so and the coordinator is told', () => {
    const decidedAt = '2026-12-04T23:45:00Z'; // 6 h 45 min before the start
    const alerts = assessOperation(newhamRaid, { decidedAt, knownVictim: NO_MATCH }, CONFIG);
    expectNoOperationalDetail(alerts);
    const prebrief = byRule(alerts, 'operation-ngo-prebrief');
    expect(prebrief.decision.title).toBe('SHORT NOTICE — Pre-brief: raid — brothel — Newham');
    expect(prebrief.decision.lines[0]).toEqual({
      label: 'Short notice',
      value: "6 hours' notice before the start (partners ask for at least 24 hours)",
    });
    expect(byRule(alerts, 'operation-short-notice-coordinator').decision).toMatchObject({
      severity: 'high',
      acknowledgeWithinMinutes: 60,
      audience: { roles: ['coordinator'], boroughs: [NEWHAM] },
      title: 'Short-notice operation: raid — brothel — Newham',
    });
  });

  it('exactly the minimum notice is not short notice; a configured minimum moves the line', () => {
    const decidedAt = '2026-12-04T06:30:00Z';
    expect(
      rules(assessOperation(newhamRaid, { decidedAt, knownVictim: NO_MATCH }, CONFIG)),
    ).not.toContain('operation-short-notice-coordinator');
    expect(
      rules(
        assessOperation(
          newhamRaid,
          { decidedAt, knownVictim: NO_MATCH },
          { ...CONFIG, prebriefMinHours: 48 },
        ),
      ),
    ).toContain('operation-short-notice-coordinator');
  });

  it('victim-first only on a known-victim match: the specialist unit and the planner, naming nobody', () => {
    const withoutMatch = assessOperation(
      westminsterVisit,
      { decidedAt: PLANNED_AT, knownVictim: NO_MATCH },
      CONFIG,
    );
    expect(rules(withoutMatch)).not.toContain('operation-victim-first');

    const alerts = assessOperation(
      westminsterVisit,
      { decidedAt: PLANNED_AT, knownVictim: { match: true, matchedOn: ['postcode', 'address'] } },
      CONFIG,
    );
    expectNoOperationalDetail(alerts);
    const flag = byRule(alerts, 'operation-victim-first');
    expect(flag).toMatchObject({
      operationalRelease: true,
      decision: {
        severity: 'high',
        acknowledgeWithinMinutes: 60,
        audience: {
          roles: ['police_specialist'],
          boroughs: [WESTMINSTER],
          organisations: ['org-planner'],
        },
        title: 'Victim-first handling — Westminster',
      },
    });
    expect(line(flag, 'Victim-first handling')).toBe(
      'A place in this plan is linked to an open case (matched on postcode and address). Treat everyone found as a potential victim first; ask the specialist unit before acting.',
    );
  });

  it('a start window over two London days names both; one ending at midnight names one', () => {
    const twoDays = assessOperation(
      state({ startWindow: { from: '2026-12-05T00:00:00Z', to: '2026-12-06T23:59:59Z' } }),
      { decidedAt: PLANNED_AT, knownVictim: NO_MATCH },
      CONFIG,
    );
    expect(line(byRule(twoDays, 'operation-borough-spoc'), 'Date window')).toBe(
      'Sat 5 Dec 2026 – Sun 6 Dec 2026',
    );
  });

  it('keeps severities and windows as data, with release only for the SPoC and victim-first', () => {
    const released = Object.entries(OPERATION_RULES)
      .filter(([, settings]) => settings.operationalRelease)
      .map(([rule]) => rule);
    expect(released).toEqual(['operation-borough-spoc', 'operation-victim-first']);
  });
});
