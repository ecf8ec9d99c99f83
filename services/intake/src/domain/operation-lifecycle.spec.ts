import type { OperationOutcomeBody } from '@harbour/contracts';
import { cancelOperation, type OperationTimes, recordOutcome } from './operation-lifecycle';

const START = new Date('2026-12-01T06:00:00Z');
const planned: OperationTimes = { state: 'planned', plannedStart: START };
const before = new Date(START.getTime() - 1);
const after = new Date(START.getTime() + 3_600_000);
const upper = (text: string) => text.toUpperCase();

describe('cancelling', () => {
  it('is allowed before the planned start', () => {
    expect(cancelOperation(planned, before)).toEqual({ kind: 'accepted', change: { at: before } });
  });

  it.each([
    [
      'at the planned start',
      planned,
      START,
      /after its planned start .*record its outcome instead/,
    ],
    ['after it', planned, after, /after its planned start/],
    ['twice', { ...planned, state: 'cancelled' }, before, /already cancelled/],
    ['once the outcome is in', { ...planned, state: 'outcome_recorded' }, before, /outcome/],
  ] as [string, OperationTimes, Date, RegExp][])('is refused %s', (_case, state, now, reason) => {
    const ruling = cancelOperation(state, now);
    expect(ruling.kind).toBe('conflict');
    if (ruling.kind === 'conflict') expect(ruling.reason).toMatch(reason);
  });
});

describe('recording the outcome', () => {
  const body: OperationOutcomeBody = {
    peopleEncountered: 5,
    potentialVictimsIdentified: 3,
    childrenIdentified: 1,
    nrmReferralsMade: 2,
    arrests: 1,
    welfareFindings: { needs: ['interpreter'], summary: 'call me' },
    restrictedNotes: 'informant name',
  };

  it('redacts the summary and keeps the restricted notes apart', () => {
    expect(recordOutcome(planned, body, after, upper)).toEqual({
      kind: 'accepted',
      change: {
        outcome: {
          peopleEncountered: 5,
          potentialVictimsIdentified: 3,
          childrenIdentified: 1,
          nrmReferralsMade: 2,
          arrests: 1,
          welfareFindings: { needs: ['interpreter'], summary: 'CALL ME' },
        },
        restrictedNotes: 'informant name',
      },
    });
  });

  it('is allowed from the planned start on', () => {
    expect(recordOutcome(planned, body, START, upper).kind).toBe('accepted');
  });

  it.each([
    ['before the planned start', planned, before, /before the planned start/],
    ['for a cancelled operation', { ...planned, state: 'cancelled' }, after, /cancelled/],
    ['twice', { ...planned, state: 'outcome_recorded' }, after, /already recorded/],
  ] as [string, OperationTimes, Date, RegExp][])('is refused %s', (_case, state, now, reason) => {
    const ruling = recordOutcome(state, body, now, upper);
    expect(ruling.kind).toBe('conflict');
    if (ruling.kind === 'conflict') expect(ruling.reason).toMatch(reason);
  });

  it.each([
    ['potentialVictimsIdentified', { potentialVictimsIdentified: 6 }],
    ['nrmReferralsMade', { nrmReferralsMade: 6 }],
    ['childrenIdentified', { childrenIdentified: 6 }],
  ] as const)('refuses more %s than people encountered', (field, override) => {
    const ruling = recordOutcome(planned, { ...body, ...override }, after, upper);
    expect(ruling).toMatchObject({ kind: 'invalid', issues: [{ pointer: `/${field}` }] });
  });

  it('accepts counts equal to the people encountered', () => {
    const all = {
      ...body,
      potentialVictimsIdentified: 5,
      nrmReferralsMade: 5,
      childrenIdentified: 5,
    };
    expect(recordOutcome(planned, all, after, upper).kind).toBe('accepted');
  });
});
