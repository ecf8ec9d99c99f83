/** The console web app's words for times, codes and timelines (pure functions, tested in Node). */
import { minutesInWords } from '../../web/src/hold-time';
import { count, languages, list, words } from '../../web/src/text';
import { type CauseAlert, eventsOf } from '../../web/src/timeline';

describe('the time left on a hold, in words', () => {
  it('rounds up to whole minutes, and says when under a minute or expired', () => {
    expect(minutesInWords(1800)).toBe('about 30 minutes left');
    expect(minutesInWords(61)).toBe('about 2 minutes left');
    expect(minutesInWords(60)).toBe('about 1 minute left');
    expect(minutesInWords(59)).toBe('less than a minute left');
    expect(minutesInWords(0)).toBe('expired');
    expect(minutesInWords(-5)).toBe('expired');
    expect(minutesInWords(3 * 3600 + 600)).toBe('about 3 hours 10 minutes left');
    expect(minutesInWords(2 * 3600)).toBe('about 2 hours left');
  });
});

describe('codes in words', () => {
  it('spells codes, counts and languages out', () => {
    expect(words('within_days')).toBe('within days');
    expect(list([])).toBe('none');
    expect(list(['step_free', 'hearing_loop'])).toBe('step free, hearing loop');
    expect(count(1, 'organisation')).toBe('1 organisation');
    expect(count(3, 'organisation')).toBe('3 organisations');
    expect(languages(['sq', 'vi'])).toBe('Albanian, Vietnamese');
    expect(languages([])).toBe('none given');
  });
});

describe('an alert’s timeline', () => {
  const alert: CauseAlert = {
    alertId: 'a1',
    title: 'Pre-brief: raid — nail bar — Camden',
    severity: 'high',
    disclosureLevel: 'notice',
    state: 'acknowledged',
    requestedAt: '2026-06-01T10:00:00.000Z',
    stagesReleased: [
      { level: 'operational', releasedAt: '2026-06-01T12:00:00.000Z', roles: ['police_borough'] },
    ],
    recipients: [
      {
        organisation: { id: 'o1', name: 'Camden NGO', kind: 'ngo' },
        rule: 'role=ngo',
        deliveries: [
          {
            purpose: 'alert',
            channel: 'email',
            status: 'sent',
            deliveredAt: '2026-06-01T10:00:05.000Z',
          },
          { purpose: 'alert', channel: 'webhook', status: 'failed' },
        ],
        acknowledgedAt: '2026-06-01T10:30:00.000Z',
        response: 'two caseworkers',
      },
      {
        organisation: { id: 'o2', name: 'Camden SPoC', kind: 'police_borough' },
        rule: 'role=police_borough',
        deliveries: [{ purpose: 'alert', channel: 'email', status: 'pending' }],
      },
      {
        organisation: { id: 'o3', name: 'London hub', kind: 'coordinator' },
        rule: 'escalation level 1: role=coordinator',
        deliveries: [
          {
            purpose: 'escalation',
            channel: 'email',
            status: 'sent',
            deliveredAt: '2026-06-01T10:20:00.000Z',
          },
          { purpose: 'escalation', channel: 'webhook', status: 'pending' },
        ],
      },
    ],
  };

  it('orders requested, delivered, escalated, acknowledged (with the answer) and released by time; undelivered apart', () => {
    const { events, pending } = eventsOf(alert);
    expect(events.map((e) => [e.at, e.kind, e.text, e.quote])).toEqual([
      ['2026-06-01T10:00:00.000Z', 'requested', 'Requested, at notice level', undefined],
      ['2026-06-01T10:00:05.000Z', 'delivered', 'Delivered to Camden NGO by email', undefined],
      [
        '2026-06-01T10:20:00.000Z',
        'escalated',
        'Escalated to London hub by email: not acknowledged in time',
        undefined,
      ],
      ['2026-06-01T10:30:00.000Z', 'acknowledged', 'Acknowledged by Camden NGO', 'two caseworkers'],
      [
        '2026-06-01T12:00:00.000Z',
        'released',
        'Operational details released to police borough',
        undefined,
      ],
    ]);
    expect(pending).toEqual([
      'Camden NGO by webhook: failed',
      'Camden SPoC by email: pending',
      'Escalation to London hub by webhook: pending',
    ]);
  });
});
