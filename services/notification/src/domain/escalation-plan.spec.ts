import type { AlertRequested } from '@harbour/contracts';
import { escalationSchedule, MINUTE_MS, nextTimer, planEscalation } from './escalation-plan';
import {
  defaultEscalationPolicy,
  escalationLabel,
  escalationPolicyOf,
  type EscalationPolicy,
  nextEscalationStep,
} from './escalation-policy';

const REQUESTED_AT = '2025-11-30T10:00:00.000Z';
const at = (minutes: number): Date => new Date(Date.parse(REQUESTED_AT) + minutes * MINUTE_MS);

function alert(overrides: Partial<AlertRequested> = {}): AlertRequested {
  return {
    alertId: '8f7f1f0e-2f55-4a86-9d43-0d5f4f1b2c11',
    cause: { kind: 'operation', id: '2b1c5c1e-3c8a-4a57-8d4a-6f0f0b7d9e21', eventId: 'e-1' },
    severity: 'critical',
    acknowledgeWithinMinutes: 15,
    audience: { roles: ['missing_person_unit'], boroughs: ['E09000007'] },
    disclosure: { level: 'notice' },
    summary: { title: 'Missing child', lines: [] },
    requestedAt: REQUESTED_AT,
    ...overrides,
  };
}

const twoLevels: EscalationPolicy = {
  levels: [
    { afterMinutes: 10, roles: ['coordinator'] },
    { afterMinutes: 5, roles: ['police_specialist'], boroughs: ['pan_london'] },
  ],
  repeat: 1,
  origin: 'request',
};

describe('escalation policy', () => {
  it('escalates a critical alert at its acknowledge-by time to the out-of-hours contacts and the coordinator, then to specialist police 15 minutes later, three rounds in all', () => {
    const policy = defaultEscalationPolicy('critical', 15);
    expect(policy).toEqual({
      levels: [
        { afterMinutes: 15, outOfHours: true, roles: ['coordinator'], boroughs: ['pan_london'] },
        {
          afterMinutes: 15,
          roles: ['police_specialist', 'coordinator'],
          boroughs: ['pan_london'],
        },
      ],
      repeat: 2,
      origin: 'default:critical',
    });
  });

  it('escalates a high alert more slowly and repeats it less than a critical one', () => {
    const high = defaultEscalationPolicy('high', 60);
    expect(high?.levels.map((l) => l.afterMinutes)).toEqual([60, 30]);
    expect(high?.levels[0]?.outOfHours).toBe(true);
    expect(high?.repeat).toBe(1);
  });

  it('never escalates an informational alert', () => {
    expect(defaultEscalationPolicy('informational', 60)).toBeNull();
    expect(planEscalation(alert({ severity: 'informational' }), at(0))).toEqual({
      policy: null,
      timers: [],
    });
  });

  it('follows the policy snapshot carried by the alert rather than the default', () => {
    const policy = escalationPolicyOf(
      alert({
        escalationPolicy: {
          levels: [{ afterMinutes: 5, roles: ['ngo'], boroughs: ['E09000007'] }],
          repeat: 0,
        },
      }),
    );
    expect(policy).toEqual({
      levels: [{ afterMinutes: 5, roles: ['ngo'], boroughs: ['E09000007'] }],
      repeat: 0,
      origin: 'request',
    });
  });

  it('walks the levels in order, then starts the next round at level 0 until the repeats are used up', () => {
    expect(nextEscalationStep(twoLevels, { level: 0, loop: 0 })).toEqual({ level: 1, loop: 0 });
    expect(nextEscalationStep(twoLevels, { level: 1, loop: 0 })).toEqual({ level: 0, loop: 1 });
    expect(nextEscalationStep(twoLevels, { level: 1, loop: 1 })).toBeNull();
  });

  it('names steps as the escalated event does: levels from 1, rounds from 0', () => {
    expect(escalationLabel({ level: 0, loop: 2 })).toBe('escalation level=1 round=2');
  });
});

describe('planEscalation', () => {
  it('plans only the first level, due its delay after the request', () => {
    const plan = planEscalation(alert({ acknowledgeWithinMinutes: 20 }), at(1));
    expect(plan.policy?.origin).toBe('default:critical');
    expect(plan.timers).toEqual([{ level: 0, loop: 0, dueAt: at(20) }]);
  });

  it('counts minutes in the injected unit, so tests can escalate in seconds', () => {
    const plan = planEscalation(alert({ acknowledgeWithinMinutes: 3 }), new Date(REQUESTED_AT), {
      minuteMs: 1000,
    });
    expect(plan.timers[0]?.dueAt).toEqual(new Date(Date.parse(REQUESTED_AT) + 3000));
  });

  it('counts from now when the request is stamped in the future', () => {
    const plan = planEscalation(alert({ requestedAt: at(10).toISOString() }), at(0));
    expect(plan.timers[0]?.dueAt).toEqual(at(15));
  });

  it('rejects a time unit that is not positive', () => {
    expect(() => planEscalation(alert(), at(0), { minuteMs: 0 })).toThrow(/positive/);
  });
});

describe('nextTimer and the schedule', () => {
  it('lays out every level of every round, each counted from the one before', () => {
    expect(escalationSchedule(twoLevels, at(0))).toEqual([
      { level: 0, loop: 0, dueAt: at(10) },
      { level: 1, loop: 0, dueAt: at(15) },
      { level: 0, loop: 1, dueAt: at(25) },
      { level: 1, loop: 1, dueAt: at(30) },
    ]);
  });

  it('runs a critical alert without acknowledgement through three rounds of two levels', () => {
    const policy = defaultEscalationPolicy('critical', 15)!;
    const dueMinutes = escalationSchedule(policy, at(0)).map(
      (t) => (t.dueAt.getTime() - at(0).getTime()) / MINUTE_MS,
    );
    expect(dueMinutes).toEqual([15, 30, 45, 60, 75, 90]);
  });

  it('gives the next level its full window when a timer fired late', () => {
    const fired = { level: 0, loop: 0, dueAt: at(10) };
    expect(nextTimer(twoLevels, fired, at(40))).toEqual({ level: 1, loop: 0, dueAt: at(45) });
    expect(nextTimer(twoLevels, fired, at(9))).toEqual({ level: 1, loop: 0, dueAt: at(15) });
  });

  it('plans nothing after the last level of the last round', () => {
    expect(nextTimer(twoLevels, { level: 1, loop: 1, dueAt: at(30) }, at(30))).toBeNull();
  });
});
