import type { OperationUpdateBody } from '@harbour/contracts';
import type { Operation } from './operation';
import { changesBetween, reviseOperation } from './operation-update';

const NOW = new Date('2026-11-28T12:00:00Z');

const operation: Operation = {
  id: 'op-1',
  plannedBy: { organisationId: 'org-1', organisationKind: 'police_borough' },
  plannedAt: new Date('2026-11-27T12:00:00Z'),
  state: 'planned',
  revision: 1,
  kind: 'raid',
  premisesKind: 'nail_bar',
  address: { line1: '1 Example Row', postcode: 'NW1 2DB' },
  borough: 'E09000007',
  plannedStart: new Date('2026-12-01T06:00:00Z'),
  plannedEnd: new Date('2026-12-01T10:00:00Z'),
  timeZone: 'Europe/London',
  expectedPeople: { total: 6, women: 4, men: 2 },
  childrenLikely: false,
  expectedLanguages: ['ro', 'sq'],
  exploitationTypes: ['labour'],
  vulnerablePeopleLikely: true,
  leadContact: { name: 'DS Lead', phone: '020 7946 0001' },
};

describe('what an update changes', () => {
  it.each([
    ['a later start', { plannedStart: '2026-12-01T07:00:00Z' }, ['rescheduled']],
    ['a later end', { plannedEnd: '2026-12-01T11:00:00Z' }, ['rescheduled']],
    [
      'a new address and borough',
      { address: { line1: '9 Other Rd', postcode: 'N1 9GU' }, borough: 'E09000019' },
      ['address', 'borough'],
    ],
    [
      'children expected',
      { expectedPeople: { total: 6, women: 3, children: 1 } },
      ['expected_people', 'children_likely'],
    ],
    ['children likely', { childrenLikely: true }, ['children_likely']],
    ['another language', { expectedLanguages: ['ro'] }, ['languages']],
    ['another exploitation', { exploitationTypes: ['sexual'] }, ['exploitation_types']],
    ['no longer vulnerable', { vulnerablePeopleLikely: false }, ['vulnerable_people_likely']],
    ['other premises', { premisesKind: 'car_wash' }, ['premises_kind']],
    [
      'another lead',
      { leadContact: { name: 'DI Other', email: 'di@example.org' } },
      ['lead_contact'],
    ],
  ] as [string, OperationUpdateBody, string[]][])('%s → %j', (_case, body, changes) => {
    const ruling = reviseOperation(operation, body, NOW);
    expect(ruling).toMatchObject({ kind: 'accepted', change: { revision: 2, changes } });
  });

  it.each([
    ['the same values', { borough: 'E09000007', childrenLikely: false }],
    ['the same start at another offset', { plannedStart: '2026-12-01T07:00:00+01:00' }],
    [
      'the same postcode spelt otherwise',
      { address: { line1: '1 Example Row', postcode: 'nw12db' } },
    ],
    ['the same languages in another order', { expectedLanguages: ['sq', 'ro'] }],
  ] as [string, OperationUpdateBody][])('nothing, for %s', (_case, body) => {
    expect(reviseOperation(operation, body, NOW)).toEqual({ kind: 'unchanged' });
  });

  it('keeps children likely once children are expected, whatever the flag says', () => {
    const withChildren = {
      ...operation,
      expectedPeople: { total: 6, children: 2 },
      childrenLikely: true,
    };
    expect(reviseOperation(withChildren, { childrenLikely: false }, NOW)).toEqual({
      kind: 'unchanged',
    });
  });

  it('lists changes in a fixed order', () => {
    expect(
      changesBetween(operation, {
        ...operation,
        leadContact: { name: 'X', phone: '0' },
        plannedEnd: new Date('2026-12-01T12:00:00Z'),
      }),
    ).toEqual(['rescheduled', 'lead_contact']);
  });
});

describe('which updates are refused', () => {
  it.each([
    ['a cancelled operation', { ...operation, state: 'cancelled' }, NOW],
    ['an operation with its outcome', { ...operation, state: 'outcome_recorded' }, NOW],
    ['an operation past its end', operation, new Date('2026-12-01T10:00:00Z')],
  ] as [string, Operation, Date][])('409 for %s', (_case, state, now) => {
    expect(reviseOperation(state, { premisesKind: 'car_wash' }, now).kind).toBe('conflict');
  });

  it.each([
    [
      'a start moved into the past',
      { plannedStart: '2026-11-28T11:00:00Z' },
      NOW,
      ['/plannedStart'],
    ],
    ['an end before the start', { plannedEnd: '2026-12-01T05:00:00Z' }, NOW, ['/plannedEnd']],
    ['an end over 7 days on', { plannedEnd: '2026-12-09T06:00:00Z' }, NOW, ['/plannedEnd']],
    [
      'a postcode outside London',
      { address: { line1: '1 Example Row', postcode: 'B1 1AA' } },
      NOW,
      ['/address/postcode'],
    ],
    [
      'more people than the total',
      { expectedPeople: { total: 1, men: 2 } },
      NOW,
      ['/expectedPeople'],
    ],
    [
      'an end moved into the past while under way',
      { plannedEnd: '2026-12-01T07:00:00Z' },
      new Date('2026-12-01T08:00:00Z'),
      ['/plannedEnd'],
    ],
  ] as [string, OperationUpdateBody, Date, string[]][])(
    '400 for %s',
    (_case, body, now, pointers) => {
      const ruling = reviseOperation(operation, body, now);
      expect(ruling.kind).toBe('invalid');
      if (ruling.kind === 'invalid') expect(ruling.issues.map((i) => i.pointer)).toEqual(pointers);
    },
  );

  it('lets an operation under way be extended, its start having passed', () => {
    const underWay = new Date('2026-12-01T08:00:00Z');
    expect(
      reviseOperation(operation, { plannedEnd: '2026-12-01T13:00:00Z' }, underWay),
    ).toMatchObject({
      kind: 'accepted',
      change: { changes: ['rescheduled'] },
    });
  });
});
