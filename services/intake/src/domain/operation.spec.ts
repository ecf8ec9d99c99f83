import type { OperationKind, OperationPlanBody, OrganisationKind } from '@harbour/contracts';
import { operationDetails, planningRefusal, planOperation } from './operation';

const NOW = new Date('2026-11-28T12:00:00Z');
const PLANNER = {
  organisationId: '00000000-0000-4000-8000-000000000001',
  organisationKind: 'police_borough',
} as const;

const plan = (overrides: Partial<OperationPlanBody> = {}): OperationPlanBody => ({
  kind: 'raid',
  premisesKind: 'nail_bar',
  address: { line1: '1 Example Row', postcode: 'nw1 2db' },
  borough: 'E09000007',
  plannedStart: '2026-12-01T06:00:00Z',
  plannedEnd: '2026-12-01T10:00:00Z',
  expectedPeople: { total: 6, women: 4, men: 2 },
  exploitationTypes: ['labour'],
  vulnerablePeopleLikely: true,
  leadContact: { name: 'DS Lead', phone: '020 7946 0001' },
  ...overrides,
});

describe('who may plan what', () => {
  it.each([
    ['immigration', 'welfare_visit', true],
    ['immigration', 'immigration_enforcement', true],
    ['immigration', 'labour_inspection', true],
    ['immigration', 'premises_visit', true],
    ['immigration', 'raid', false],
    ['immigration', 'warrant', false],
    ['police_borough', 'raid', true],
    ['police_borough', 'warrant', true],
    ['police_borough', 'premises_visit', true],
    ['police_borough', 'labour_inspection', true],
    ['police_borough', 'welfare_visit', false],
    ['police_specialist', 'welfare_visit', false],
    ['police_specialist', 'immigration_enforcement', false],
    ['police_specialist', 'raid', true],
    ['ngo', 'welfare_visit', false],
    ['coordinator', 'premises_visit', false],
  ] as [OrganisationKind, OperationKind, boolean][])('%s plans a %s: %s', (org, kind, may) => {
    expect(planningRefusal(org, kind) === undefined).toBe(may);
  });

  it('says what the organisation may plan instead', () => {
    expect(planningRefusal('police_borough', 'welfare_visit')).toBe(
      'A police organisation may not plan a welfare_visit; it may plan raid, warrant, premises_visit, labour_inspection.',
    );
  });
});

describe('planning an operation', () => {
  it.each([
    ['a start in the past', plan({ plannedStart: '2026-11-28T11:00:00Z' }), ['/plannedStart']],
    ['a start exactly now', plan({ plannedStart: NOW.toISOString() }), ['/plannedStart']],
    ['an end before the start', plan({ plannedEnd: '2026-12-01T05:00:00Z' }), ['/plannedEnd']],
    ['an end equal to the start', plan({ plannedEnd: '2026-12-01T06:00:00Z' }), ['/plannedEnd']],
    ['an end 7 days and 1 s later', plan({ plannedEnd: '2026-12-08T06:00:01Z' }), ['/plannedEnd']],
    [
      'a Manchester postcode',
      plan({ address: { line1: '1 Example Row', postcode: 'M1 1AA' } }),
      ['/address/postcode'],
    ],
    ['not a London borough', plan({ borough: 'E08000003' }), ['/borough']],
    [
      'more women, men and children than people',
      plan({ expectedPeople: { total: 5, women: 3, men: 2, children: 1 } }),
      ['/expectedPeople'],
    ],
    ['an unknown time zone', plan({ timeZone: 'Europe/Londinium' }), ['/timeZone']],
  ])('refuses %s', (_case, body, pointers) => {
    const ruling = planOperation('id', body, PLANNER, NOW);
    expect(ruling.kind).toBe('invalid');
    if (ruling.kind === 'invalid') expect(ruling.issues.map((i) => i.pointer)).toEqual(pointers);
  });

  it.each([
    ['an end exactly 7 days later', plan({ plannedEnd: '2026-12-08T06:00:00Z' })],
    ['as many people as the total', plan({ expectedPeople: { total: 6, women: 6 } })],
    ['an outer London postcode', plan({ address: { line1: '2 High St', postcode: 'BR1 1AA' } })],
    ['another zone, offsets given', plan({ plannedStart: '2026-12-01T07:00:00+01:00' })],
  ])('accepts %s', (_case, body) => {
    expect(planOperation('id', body, PLANNER, NOW).kind).toBe('accepted');
  });

  it('defaults the zone, derives children likely and canonicalises the postcode', () => {
    const ruling = planOperation(
      'op-1',
      plan({ expectedPeople: { total: 6, children: 1 } }),
      PLANNER,
      NOW,
    );
    expect(ruling).toMatchObject({
      kind: 'accepted',
      change: {
        id: 'op-1',
        state: 'planned',
        revision: 1,
        plannedAt: NOW,
        timeZone: 'Europe/London',
        childrenLikely: true,
        address: { line1: '1 Example Row', postcode: 'NW1 2DB' },
        expectedLanguages: [],
      },
    });
  });

  it.each([
    [false, { total: 3 }, false],
    [true, { total: 3 }, true],
    [false, { total: 3, children: 0 }, false],
    [false, { total: 3, children: 2 }, true],
  ])('children likely: stated %s with %j → %s', (stated, expectedPeople, expected) => {
    const ruling = planOperation(
      'id',
      plan({ childrenLikely: stated, expectedPeople }),
      PLANNER,
      NOW,
    );
    expect(ruling.kind === 'accepted' && ruling.change.childrenLikely).toBe(expected);
  });

  it('keeps a zone, canonically spelt', () => {
    const ruling = planOperation('id', plan({ timeZone: 'europe/paris' }), PLANNER, NOW);
    expect(ruling.kind === 'accepted' && ruling.change.timeZone).toBe('Europe/Paris');
  });
});

describe('the details events carry', () => {
  it('puts the address, exact times and lead contact under operational only', () => {
    const ruling = planOperation('id', plan({ expectedLanguages: ['ro'] }), PLANNER, NOW);
    if (ruling.kind !== 'accepted') throw new Error('expected a plan');
    const details = operationDetails(ruling.change);
    expect(details).toEqual({
      kind: 'raid',
      borough: 'E09000007',
      premisesKind: 'nail_bar',
      startWindow: { from: '2026-12-01T00:00:00+00:00', to: '2026-12-02T00:00:00+00:00' },
      exploitationTypes: ['labour'],
      vulnerablePeopleLikely: true,
      childrenLikely: false,
      expectedPeople: { total: 6, women: 4, men: 2 },
      expectedLanguages: ['ro'],
      operational: {
        address: { line1: '1 Example Row', postcode: 'NW1 2DB' },
        startsAt: '2026-12-01T06:00:00.000Z',
        endsAt: '2026-12-01T10:00:00.000Z',
        timeZone: 'Europe/London',
        leadContact: { name: 'DS Lead', phone: '020 7946 0001' },
      },
    });
    const { operational: _operational, ...notice } = details;
    expect(JSON.stringify(notice)).not.toMatch(/Example Row|NW1|DS Lead|06:00/);
  });
});
