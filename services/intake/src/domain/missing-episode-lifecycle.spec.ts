import {
  type EpisodeState,
  recordFound,
  recordReturnInterview,
  recordUpdate,
  regradeRisk,
} from './missing-episode-lifecycle';

const NOW = new Date('2026-11-28T12:00:00Z');
const open: EpisodeState = {
  status: 'missing',
  riskGrade: 'medium',
  isChild: true,
  reportedAt: new Date('2026-11-28T10:00:00Z'),
  lastSeenAt: new Date('2026-11-28T09:00:00Z'),
};
const found: EpisodeState = {
  ...open,
  status: 'found',
  foundAt: new Date('2026-11-28T11:00:00Z'),
};

describe('regrading the risk', () => {
  it.each([
    ['medium → high', open, 'high', 'accepted'],
    ['medium → low', open, 'low', 'accepted'],
    ['the same grade', open, 'medium', 'conflict'],
    ['a closed episode', found, 'high', 'conflict'],
  ] as const)('%s: %s', (_case, state, riskGrade, expected) => {
    expect(regradeRisk(state, { riskGrade }).kind).toBe(expected);
  });

  it('says what the grade was', () => {
    expect(regradeRisk(open, { riskGrade: 'high' })).toEqual({
      kind: 'accepted',
      change: { previousRiskGrade: 'medium', riskGrade: 'high' },
    });
  });
});

describe('a sighting or update', () => {
  it.each([
    ['no time seen', open, undefined, 'accepted', undefined],
    ['seen after the last sighting', open, '2026-11-28T11:30:00Z', 'accepted', undefined],
    ['seen exactly when last seen', open, '2026-11-28T09:00:00Z', 'accepted', undefined],
    ['seen 4 minutes ahead of our clock', open, '2026-11-28T12:04:00Z', 'accepted', undefined],
    ['seen in the future', open, '2026-11-28T13:00:00Z', 'invalid', '/seenAt'],
    ['seen before last seen', open, '2026-11-28T08:59:59Z', 'invalid', '/seenAt'],
    ['on a closed episode', found, '2026-11-28T11:30:00Z', 'conflict', undefined],
  ] as const)('%s → %s', (_case, state, seenAt, expected, pointer) => {
    const ruling = recordUpdate(
      state,
      { kind: 'sighting', note: 'seen', ...(seenAt ? { seenAt } : {}) },
      NOW,
    );
    expect(ruling.kind).toBe(expected);
    if (ruling.kind === 'invalid') expect(ruling.issues.map((i) => i.pointer)).toEqual([pointer]);
  });
});

describe('found or returned', () => {
  it.each([
    ['after the report', open, '2026-11-28T11:00:00Z', 'accepted', undefined],
    ['in the future', open, '2026-11-28T12:30:00Z', 'invalid', '/foundAt'],
    ['before it was reported', open, '2026-11-28T09:30:00Z', 'invalid', '/foundAt'],
    [
      'before last seen (reported before last seen by clock skew)',
      { ...open, reportedAt: new Date('2026-11-28T08:58:00Z') },
      '2026-11-28T08:59:00Z',
      'invalid',
      '/foundAt',
    ],
    ['already found', found, '2026-11-28T11:00:00Z', 'conflict', undefined],
  ] as const)('%s → %s', (_case, state, foundAt, expected, pointer) => {
    const ruling = recordFound(state, { foundAt }, NOW);
    expect(ruling.kind).toBe(expected);
    if (ruling.kind === 'invalid') expect(ruling.issues.map((i) => i.pointer)).toEqual([pointer]);
  });

  it('a child is due a return home interview 72 hours after being found; an adult is not', () => {
    expect(recordFound(open, { foundAt: '2026-11-28T11:00:00+01:00' }, NOW)).toEqual({
      kind: 'accepted',
      change: {
        foundAt: new Date('2026-11-28T10:00:00Z'),
        returnHomeInterviewDueBy: new Date('2026-12-01T10:00:00Z'),
      },
    });
    expect(
      recordFound({ ...open, isChild: false }, { foundAt: '2026-11-28T11:00:00Z' }, NOW),
    ).toEqual({ kind: 'accepted', change: { foundAt: new Date('2026-11-28T11:00:00Z') } });
  });
});

describe('the return home interview', () => {
  it.each([
    ['completed after being found', found, '2026-11-28T11:30:00Z', 'accepted', undefined],
    ['while still missing', open, '2026-11-28T11:30:00Z', 'conflict', undefined],
    ['for an adult', { ...found, isChild: false }, '2026-11-28T11:30:00Z', 'conflict', undefined],
    [
      'a second time',
      { ...found, returnHomeInterviewRecordedAt: new Date('2026-11-28T11:40:00Z') },
      '2026-11-28T11:30:00Z',
      'conflict',
      undefined,
    ],
    ['completed in the future', found, '2026-11-29T11:30:00Z', 'invalid', '/completedAt'],
    ['completed before being found', found, '2026-11-28T10:30:00Z', 'invalid', '/completedAt'],
  ] as const)('%s → %s', (_case, state, completedAt, expected, pointer) => {
    const ruling = recordReturnInterview(state, { outcome: 'completed', completedAt }, NOW);
    expect(ruling.kind).toBe(expected);
    if (ruling.kind === 'invalid') expect(ruling.issues.map((i) => i.pointer)).toEqual([pointer]);
  });
});
