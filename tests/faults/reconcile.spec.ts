import type { SentEvent } from './load';
import { formatTable, passed, reconcile } from './reconcile';
import type { Arrival } from './sinks';

describe('reconciling a fault scenario', () => {
  const recipients = [
    { channel: 'email', recipient: 'mpu@faults.test' },
    { channel: 'webhook', recipient: '/council' },
  ] as const;
  const event = (n: number): SentEvent => ({
    idempotencyKey: `k${n}`,
    firstAttemptAt: 1_000,
    acceptedAt: 1_010,
    episodeId: `episode-${n}`,
    attempts: 1,
  });
  const alertsOf = new Map([
    ['episode-1', ['alert-1']],
    ['episode-2', ['alert-2']],
  ]);
  const arrival = (
    alertId: string,
    channel: Arrival['channel'],
    deliveryId: string,
    at: number,
  ): Arrival => ({
    channel,
    recipient: channel === 'email' ? 'mpu@faults.test' : '/council',
    alertId,
    kind: 'alert',
    deliveryId,
    at,
  });
  const everyOnce = [
    arrival('alert-1', 'email', 'd1', 2_000),
    arrival('alert-1', 'webhook', 'd2', 2_500),
    arrival('alert-2', 'email', 'd3', 3_000),
    arrival('alert-2', 'webhook', 'd4', 4_000),
  ];

  it('passes when every expected delivery arrived once, and gives the worst delay', () => {
    const row = reconcile('baseline', [event(1), event(2)], recipients, alertsOf, everyOnce);
    expect(row).toMatchObject({ expected: 4, delivered: 4, duplicates: 0, resent: 0, lost: 0 });
    expect(row.worstDelayMs).toBe(3_000);
    expect(passed(row)).toBe(true);
  });

  it('fails on a lost delivery', () => {
    const row = reconcile('lost', [event(1), event(2)], recipients, alertsOf, everyOnce.slice(1));
    expect(row).toMatchObject({ delivered: 3, lost: 1 });
    expect(passed(row)).toBe(false);
  });

  it('fails on a second delivery under another id, and passes a resend of the same id', () => {
    const twice = reconcile('twice', [event(1), event(2)], recipients, alertsOf, [
      ...everyOnce,
      arrival('alert-1', 'email', 'd9', 5_000),
    ]);
    expect(twice).toMatchObject({ duplicates: 1, resent: 0 });
    expect(passed(twice)).toBe(false);
    const resent = reconcile('resent', [event(1), event(2)], recipients, alertsOf, [
      ...everyOnce,
      arrival('alert-1', 'email', 'd1', 5_000),
    ]);
    expect(resent).toMatchObject({ duplicates: 0, resent: 1, delivered: 4 });
    expect(passed(resent)).toBe(true);
    expect(resent.details[0]).toMatch(/same delivery id/);
    expect(formatTable([twice, resent])).toMatch(
      /\| twice +\| 2 +\| 2 +\| 4 +\| 4 +\| 1 +\| 0 +\| 0 +\| 3\.0 s +\| FAIL/,
    );
    expect(formatTable([resent])).toMatch(
      /\| resent +\| 2 +\| 2 +\| 4 +\| 4 +\| 0 +\| 1 +\| 0 +\| 3\.0 s +\| ok/,
    );
  });

  it('counts a report intake never accepted apart, expecting nothing of it', () => {
    const never: SentEvent = { idempotencyKey: 'k3', firstAttemptAt: 1_000, attempts: 5 };
    const row = reconcile(
      'intake down',
      [event(1), event(2), never],
      recipients,
      alertsOf,
      everyOnce,
    );
    expect(row).toMatchObject({ events: 3, accepted: 2, notAccepted: 1, expected: 4, lost: 0 });
    expect(passed(row)).toBe(true);
  });
});
