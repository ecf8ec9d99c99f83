import { ConfigError, generateDataEncryptionKey, isDueForPurge } from '@harbour/platform';
import { loadAccommodationConfig } from '../config';
import { ACCOMMODATION_RETENTION_POLICY } from './accommodation-retention-policy';

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: 'postgres://localhost/test',
  KAFKA_BROKERS: 'localhost:9092',
  DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
  ...extra,
});

const periodOf = (kind: string): number => {
  const rule = ACCOMMODATION_RETENTION_POLICY.rules.find((candidate) => candidate.kind === kind);
  if (rule === undefined) throw new Error(`no rule for ${kind}`);
  return rule.defaultDays;
};

describe('accommodation retention policy', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  const daysBefore = (days: number) => new Date(now.getTime() - days * 86_400_000);

  it('which requests are due under the defaults: a quarter after they close, never while open', () => {
    expect(isDueForPurge(daysBefore(60), periodOf('bed_request'), now)).toBe(false);
    expect(isDueForPurge(daysBefore(91), periodOf('bed_request'), now)).toBe(true);
    expect(isDueForPurge(null, periodOf('bed_request'), now)).toBe(false);
    // An offer goes with its request, not before it.
    expect(periodOf('offer')).toBe(periodOf('bed_request'));
  });

  it('loads every period with the rest of the configuration and refuses nonsense by name', () => {
    const config = loadAccommodationConfig(env({ RETENTION_BED_REQUEST_DAYS: '30' }));
    expect(config.retention.periods).toMatchObject({ bed_request: 30, availability_change: 365 });
    expect(() => loadAccommodationConfig(env({ RETENTION_OFFER_DAYS: '0' }))).toThrow(ConfigError);
    expect(() => loadAccommodationConfig(env({ RETENTION_PURGE_BATCH_SIZE: 'lots' }))).toThrow(
      /RETENTION_PURGE_BATCH_SIZE/,
    );
  });
});
