import { ConfigError, generateDataEncryptionKey, isDueForPurge } from '@harbour/platform';
import { loadSafeguardingConfig } from '../config';
import { SAFEGUARDING_RETENTION_POLICY } from './safeguarding-retention-policy';

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: 'postgres://localhost/test',
  KAFKA_BROKERS: 'localhost:9092',
  DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
  ...extra,
});

const periodOf = (kind: string): number => {
  const rule = SAFEGUARDING_RETENTION_POLICY.rules.find((candidate) => candidate.kind === kind);
  if (rule === undefined) throw new Error(`no rule for ${kind}`);
  return rule.defaultDays;
};

const daysBefore = (days: number, now: Date) => new Date(now.getTime() - days * 86_400_000);

describe('safeguarding retention policy', () => {
  const now = new Date('2026-11-28T12:00:00Z');

  it('keeps a Duty to Notify report past the 12 months the known-victim index counts it', () => {
    expect(periodOf('referral_case.duty_to_notify')).toBeGreaterThan(366);
    expect(isDueForPurge(daysBefore(400, now), periodOf('referral_case.duty_to_notify'), now)).toBe(
      false,
    );
  });

  it('which cases are due under the defaults: children’s six years after they end, adults’ two', () => {
    const endedThreeYearsAgo = daysBefore(3 * 365, now);
    expect(isDueForPurge(endedThreeYearsAgo, periodOf('referral_case.nrm_adult'), now)).toBe(true);
    expect(isDueForPurge(endedThreeYearsAgo, periodOf('referral_case.nrm_child'), now)).toBe(false);
    expect(isDueForPurge(endedThreeYearsAgo, periodOf('missing_episode.child'), now)).toBe(false);
    expect(isDueForPurge(daysBefore(7 * 365, now), periodOf('missing_episode.child'), now)).toBe(
      true,
    );
    // A child still missing has no clock: never due.
    expect(isDueForPurge(null, periodOf('missing_episode.child'), now)).toBe(false);
  });

  it('loads every period with the rest of the configuration and refuses nonsense by name', () => {
    const config = loadSafeguardingConfig(env({ RETENTION_KNOWN_VICTIM_CHECK_DAYS: '365' }));
    expect(config.retention.periods).toMatchObject({
      known_victim_check: 365,
      'referral_case.nrm_child': 2190,
    });
    expect(() => loadSafeguardingConfig(env({ RETENTION_OPERATION_DAYS: '-1' }))).toThrow(
      ConfigError,
    );
    expect(() => loadSafeguardingConfig(env({ RETENTION_OPERATION_DAYS: '-1' }))).toThrow(
      /RETENTION_OPERATION_DAYS: must be between 1 and 36500/,
    );
    // Shorter than the index's 12 months would drop reports it still counts.
    expect(() => loadSafeguardingConfig(env({ RETENTION_DUTY_TO_NOTIFY_DAYS: '90' }))).toThrow(
      /RETENTION_DUTY_TO_NOTIFY_DAYS: must be between 366 and 36500 \(the known-victim index/,
    );
    expect(() => loadSafeguardingConfig(env({ RETENTION_INBOX_DAYS: '7' }))).toThrow(
      /RETENTION_INBOX_DAYS: must be between 8 and 36500/,
    );
  });
});
