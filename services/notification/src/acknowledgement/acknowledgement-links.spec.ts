import { randomUUID } from 'node:crypto';
import { loadConfig } from '@harbour/platform';
import { acknowledgementConfig, acknowledgementConfigIssues } from './acknowledgement-config';
import { AcknowledgementLinks } from './acknowledgement-links';

const SECRET = 's'.repeat(48);

describe('AcknowledgementLinks', () => {
  const ids = { alertId: randomUUID(), organisationId: randomUUID(), deliveryId: randomUUID() };
  const acknowledgeBy = new Date('2025-06-01T12:15:00Z');

  it('links to <public url>/ack/<token>, whatever the trailing slash', () => {
    const links = new AcknowledgementLinks({
      secret: SECRET,
      publicUrl: 'https://alerts.example.org/harbour/',
      graceMinutes: 60,
      now: () => new Date('2025-06-01T12:00:00Z'),
    });
    const url = links.acknowledgeUrlFor({ ...ids, acknowledgeBy });
    expect(url).toMatch(
      /^https:\/\/alerts\.example\.org\/harbour\/ack\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/,
    );
    const token = url.split('/ack/')[1] ?? '';
    const verdict = links.verify(token);
    expect(verdict).toMatchObject({ ok: true, claims: ids });
  });

  /**
   * A link made at `sentAt` for an alert due at `acknowledgeBy` (60 minutes' grace): it must
   * still work a minute before `expiresAt` and be expired from `expiresAt` on.
   */
  function expectExpiry(sentAt: string, expiresAt: string): void {
    let now = new Date(sentAt);
    const links = new AcknowledgementLinks({
      secret: SECRET,
      publicUrl: 'http://127.0.0.1:8083',
      graceMinutes: 60,
      now: () => now,
    });
    const token = links.tokenFor({ ...ids, acknowledgeBy });
    const expiry = new Date(expiresAt);
    expect(links.expiryFor(acknowledgeBy)).toEqual(expiry);
    now = new Date(expiry.getTime() - 60_000);
    expect(links.verify(token).ok).toBe(true);
    now = expiry;
    expect(links.verify(token)).toMatchObject({ ok: false, reason: 'expired' });
  }

  it('keeps a link working for the grace period after acknowledge-by, then expires it', () => {
    expectExpiry('2025-06-01T12:00:00Z', '2025-06-01T13:15:00Z');
  });

  it('gives a link sent after the deadline (a stage released later) the grace from when it is sent', () => {
    expectExpiry('2025-06-03T05:30:00Z', '2025-06-03T06:30:00Z');
  });

  it('takes an exact expiry too', () => {
    const links = new AcknowledgementLinks({
      secret: SECRET,
      publicUrl: 'http://127.0.0.1:8083',
      graceMinutes: 60,
      now: () => new Date('2025-06-01T12:00:00Z'),
    });
    const token = links.tokenFor({ ...ids, expiresAt: new Date('2025-06-01T11:00:00Z') });
    expect(links.verify(token)).toMatchObject({ ok: false, reason: 'expired' });
  });
});

describe('acknowledgement configuration', () => {
  it('requires a secret of at least 32 characters and never echoes it', () => {
    expect(() => loadConfig(acknowledgementConfig, {})).toThrow(
      /NOTIFICATION_ACK_SECRET: is required but not set/,
    );
    const config = loadConfig(acknowledgementConfig, {
      NOTIFICATION_ACK_SECRET: 'short-secret-value',
      NOTIFICATION_ACK_GRACE_MINUTES: '-1',
    });
    const issues = acknowledgementConfigIssues(config);
    expect(issues.map((issue) => [issue.variable, issue.reason])).toEqual([
      ['NOTIFICATION_ACK_SECRET', 'is 18 characters, fewer than 32'],
      ['NOTIFICATION_ACK_GRACE_MINUTES', '-1 is negative'],
    ]);
    expect(JSON.stringify(issues)).not.toContain('short-secret-value');
  });

  it('defaults the public URL and a day of grace', () => {
    const config = loadConfig(acknowledgementConfig, { NOTIFICATION_ACK_SECRET: SECRET });
    expect(acknowledgementConfigIssues(config)).toEqual([]);
    expect(config.NOTIFICATION_PUBLIC_URL).toBe('http://127.0.0.1:8083');
    expect(config.NOTIFICATION_ACK_GRACE_MINUTES).toBe(1440);
  });
});
