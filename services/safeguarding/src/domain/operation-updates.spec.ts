import type { OperationState } from './operation-notice';
import { assessOperation, type OperationRulesConfig } from './operation-rules';
import {
  asUpdate,
  closedByOutcome,
  describeChanges,
  operationCancelledReason,
  planUpdate,
} from './operation-updates';

const CONFIG: OperationRulesConfig = {
  prebriefMinHours: 24,
  displacementWatchHours: 72,
  releaseLeadMinutes: 120,
};

const before: OperationState = {
  operationId: 'op-1',
  planner: { organisationId: 'org-1', organisationKind: 'police_borough' },
  notice: {
    kind: 'raid',
    borough: 'E09000025',
    premisesKind: 'brothel',
    startWindow: { from: '2026-12-05T00:00:00Z', to: '2026-12-06T00:00:00Z' },
    exploitationTypes: ['sexual'],
    vulnerablePeopleLikely: true,
    childrenLikely: true,
    expectedPeople: { total: 6, women: 5, men: 1 },
    expectedLanguages: ['sq'],
  },
  startsAt: '2026-12-05T06:30:00Z',
};
const after: OperationState = {
  ...before,
  notice: {
    ...before.notice,
    startWindow: { from: '2026-12-06T00:00:00Z', to: '2026-12-07T00:00:00Z' },
    childrenLikely: false,
    expectedPeople: { total: 9, women: 7, men: 2 },
  },
  startsAt: '2026-12-06T06:30:00Z',
};

const assess = (state: OperationState) =>
  assessOperation(
    state,
    { decidedAt: '2026-12-01T09:00:00Z', knownVictim: { match: false, matchedOn: [] } },
    CONFIG,
  );

describe('operation updates', () => {
  it('says what changed in notice terms: an address change is only "address changed"', () => {
    expect(
      describeChanges(
        ['rescheduled', 'address', 'expected_people', 'children_likely'],
        before,
        after,
      ),
    ).toBe(
      'rescheduled: Sun 6 Dec 2026 (was Sat 5 Dec 2026); address changed; expected people: 9 in total: 7 women, 2 men (was 6 in total: 5 women, 1 man); children no longer expected',
    );
    expect(describeChanges(['lead_contact'], before, after)).toBe('lead contact changed');
  });

  it('supersedes live alerts whose rule still applies, cancels the rest, raises and schedules new ones', () => {
    const live = [
      { alertId: 'a-spoc', rule: 'operation-borough-spoc' },
      { alertId: 'a-children', rule: 'operation-children-local-authority' },
      { alertId: 'a-children-ngo', rule: 'operation-children-ngo' },
      { alertId: 'a-prebrief', rule: 'operation-ngo-prebrief' },
    ];
    const next = assess({ ...after, notice: { ...after.notice, expectedLanguages: ['sq', 'ro'] } });
    const plan = planUpdate(live, next, 'rescheduled');
    expect(plan.supersede.map((s) => [s.current.alertId, s.next.rule])).toEqual([
      ['a-spoc', 'operation-borough-spoc'],
      ['a-prebrief', 'operation-ngo-prebrief'],
    ]);
    expect(plan.supersede[0]!.next.decision.title).toBe(
      'UPDATED — Planned raid — brothel — Newham',
    );
    expect(plan.supersede[0]!.next.decision.lines[0]).toEqual({
      label: 'What changed',
      value: 'rescheduled',
    });
    expect(plan.cancel.map((c) => c.alertId)).toEqual(['a-children', 'a-children-ngo']);
    // Never sent before: raised as they are, no "UPDATED".
    expect(plan.raise.map((r) => [r.rule, r.decision.title.startsWith('UPDATED')])).toEqual([
      ['operation-language-support', false],
      ['operation-housing-standby', false],
    ]);
    expect(plan.schedule.map((s) => s.rule)).toEqual([
      'operation-displacement-watch-spoc',
      'operation-displacement-watch-outreach',
    ]);
  });

  it('a displacement watch already out is superseded, not scheduled again', () => {
    const live = [{ alertId: 'a-watch', rule: 'operation-displacement-watch-spoc' }];
    const plan = planUpdate(live, assess(after), 'expected people');
    expect(plan.supersede.map((s) => s.current.alertId)).toEqual(['a-watch']);
    expect(plan.schedule.map((s) => s.rule)).toEqual(['operation-displacement-watch-outreach']);
  });

  it('keeps the title within the contract’s 200 characters', () => {
    const [spoc] = assess(before);
    const long = asUpdate(
      { ...spoc!, decision: { ...spoc!.decision, title: 'x'.repeat(200) } },
      'address changed',
    );
    expect(long.decision.title).toHaveLength(200);
  });

  it('cancellation reasons; an outcome closes all but the displacement watch', () => {
    expect(operationCancelledReason('intelligence changed')).toBe(
      'Operation cancelled: intelligence changed',
    );
    expect(operationCancelledReason(undefined)).toBe('Operation cancelled: no reason given');
    expect(closedByOutcome('operation-borough-spoc')).toBe(true);
    expect(closedByOutcome('operation-housing-standby')).toBe(true);
    expect(closedByOutcome('operation-displacement-watch-spoc')).toBe(false);
    expect(closedByOutcome('operation-displacement-watch-outreach')).toBe(false);
  });
});
