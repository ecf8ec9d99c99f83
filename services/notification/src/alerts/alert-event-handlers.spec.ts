import { randomUUID } from 'node:crypto';
import type { AlertRequested } from '@harbour/contracts';
import { createEvent } from '@harbour/messaging';
import { armsEscalationSoon, cancelsEscalation } from './alert-event-handlers';

const NOW = new Date('2026-11-28T12:00:00Z');

function requested(overrides: Partial<AlertRequested> = {}) {
  const alert: AlertRequested = {
    alertId: randomUUID(),
    cause: { kind: 'missing_episode', id: randomUUID(), eventId: randomUUID() },
    severity: 'critical',
    acknowledgeWithinMinutes: 15,
    audience: { roles: ['missing_person_unit'], boroughs: ['E09000007'] },
    disclosure: { level: 'notice' },
    summary: { title: 'Missing child', lines: [] },
    requestedAt: NOW.toISOString(),
    ...overrides,
  };
  return createEvent({ type: 'harbour.alert.requested', source: '/test', data: alert });
}

describe('what an alert event needs kicked after commit', () => {
  const production = { minuteMs: 60_000, sweepIntervalMs: 5_000 };

  it('leaves a timer due in minutes to the next sweep, which queues it long before it is due', () => {
    expect(armsEscalationSoon(requested(), production, NOW)).toBe(false);
  });

  it('kicks for a timer due before two sweeps have passed', () => {
    // A replayed request long past: its first level is due at once.
    const replayed = requested({ requestedAt: '2026-11-27T12:00:00Z' });
    expect(armsEscalationSoon(replayed, production, NOW)).toBe(true);
    // Tests' short minutes: 15 minutes of 500 ms is 7.5 s, within two 5 s sweeps.
    expect(armsEscalationSoon(requested(), { minuteMs: 500, sweepIntervalMs: 5_000 }, NOW)).toBe(
      true,
    );
  });

  it('does not kick for an alert that does not escalate, nor for other events', () => {
    const informational = requested({ severity: 'informational' });
    expect(armsEscalationSoon(informational, { minuteMs: 1, sweepIntervalMs: 5_000 }, NOW)).toBe(
      false,
    );
    const cancelled = createEvent({
      type: 'harbour.alert.cancelled',
      source: '/test',
      data: { alertId: randomUUID(), cancelledAt: NOW.toISOString(), reason: 'found' },
    });
    expect(armsEscalationSoon(cancelled, { minuteMs: 1, sweepIntervalMs: 5_000 }, NOW)).toBe(false);
    expect(cancelsEscalation(cancelled)).toBe(true);
  });

  it('kicks when the payload cannot be planned, rather than miss a timer', () => {
    const odd = createEvent({ type: 'harbour.alert.requested', source: '/test', data: {} });
    expect(armsEscalationSoon(odd, production, NOW)).toBe(true);
  });
});
