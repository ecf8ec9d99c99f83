import { ConfigError, generateDataEncryptionKey, isDueForPurge } from '@harbour/platform';
import { loadNotificationConfig } from '../config';
import { NOTIFICATION_RETENTION_POLICY } from './notification-retention-policy';

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: 'postgres://localhost/test',
  REDIS_URL: 'redis://localhost:6379',
  KAFKA_BROKERS: 'localhost:9092',
  SMTP_URL: 'smtp://localhost:1025',
  NOTIFICATION_ACK_SECRET: 'unit-test-acknowledgement-secret-0123456789',
  DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
  ...extra,
});

describe('notification retention policy', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  const alertDays = NOTIFICATION_RETENTION_POLICY.rules[0]?.defaultDays ?? 0;

  it('which alerts are due under the defaults: a year after they end, never while open', () => {
    expect(NOTIFICATION_RETENTION_POLICY.rules[0]?.kind).toBe('alert');
    expect(isDueForPurge(new Date('2026-01-01T00:00:00Z'), alertDays, now)).toBe(false);
    expect(isDueForPurge(new Date('2025-11-01T00:00:00Z'), alertDays, now)).toBe(true);
    expect(isDueForPurge(null, alertDays, now)).toBe(false);
  });

  it('loads every period with the rest of the configuration and refuses nonsense by name', () => {
    expect(loadNotificationConfig(env({ RETENTION_ALERT_DAYS: '730' })).retention).toMatchObject({
      periods: { alert: 730, outbox: 30, inbox: 90 },
      enabled: true,
    });
    expect(() => loadNotificationConfig(env({ RETENTION_ALERT_DAYS: '0' }))).toThrow(ConfigError);
    expect(() => loadNotificationConfig(env({ RETENTION_PURGE_ENABLED: 'maybe' }))).toThrow(
      /RETENTION_PURGE_ENABLED/,
    );
  });
});
