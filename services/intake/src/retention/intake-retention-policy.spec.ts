import { ConfigError, generateDataEncryptionKey, isDueForPurge } from '@harbour/platform';
import { loadIntakeConfig } from '../config';
import { INTAKE_RETENTION_POLICY } from './intake-retention-policy';

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: 'postgres://localhost/test',
  KAFKA_BROKERS: 'localhost:9092',
  DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
  ...extra,
});

const periodOf = (kind: string): number => {
  const rule = INTAKE_RETENTION_POLICY.rules.find((candidate) => candidate.kind === kind);
  if (rule === undefined) throw new Error(`no rule for ${kind}`);
  return rule.defaultDays;
};

const yearsAgo = (years: number, now: Date) =>
  new Date(now.getTime() - years * 365.25 * 86_400_000);

describe('intake retention policy', () => {
  const now = new Date('2026-11-28T12:00:00Z');

  it('keeps children’s referrals and episodes longer than adults’', () => {
    expect(periodOf('referral.nrm_child')).toBeGreaterThan(periodOf('referral.nrm_adult'));
    expect(periodOf('missing_episode.child')).toBeGreaterThan(periodOf('missing_episode.adult'));
  });

  it('which records are due under the defaults', () => {
    const concludedThreeYearsAgo = yearsAgo(3, now);
    expect(isDueForPurge(concludedThreeYearsAgo, periodOf('referral.nrm_adult'), now)).toBe(true);
    expect(isDueForPurge(concludedThreeYearsAgo, periodOf('referral.nrm_child'), now)).toBe(false);
    expect(isDueForPurge(yearsAgo(7, now), periodOf('referral.nrm_child'), now)).toBe(true);
    // A finished operation's detail goes within the year; an open record never.
    expect(isDueForPurge(yearsAgo(0.6, now), periodOf('operation'), now)).toBe(true);
    expect(isDueForPurge(null, periodOf('operation'), now)).toBe(false);
    // Stored replies outlive any client's retries by weeks, not years.
    expect(isDueForPurge(yearsAgo(0.1, now), periodOf('idempotency_record'), now)).toBe(true);
  });

  it('every period is configurable and validated with the rest of intake’s configuration', () => {
    const config = loadIntakeConfig(
      env({ RETENTION_REFERRAL_CHILD_DAYS: '3650', RETENTION_OUTBOX_DAYS: '7' }),
    );
    expect(config.retention.periods).toMatchObject({
      'referral.nrm_child': 3650,
      'referral.nrm_adult': 730,
      outbox: 7,
    });
    expect(Object.keys(config.retention.periods)).toEqual(
      INTAKE_RETENTION_POLICY.rules.map((rule) => rule.kind),
    );
    try {
      loadIntakeConfig(env({ RETENTION_OPERATION_DAYS: '0', RETENTION_INBOX_DAYS: 'ninety' }));
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((issue) => issue.variable)).toEqual([
        'RETENTION_OPERATION_DAYS',
        'RETENTION_INBOX_DAYS',
      ]);
    }
  });
});
