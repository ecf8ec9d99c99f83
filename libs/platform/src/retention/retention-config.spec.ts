import { ConfigError } from '../config/config-error';
import { loadRetentionSettings, retentionConfigSpec } from './retention-config';
import { isDueForPurge, retentionCutoff, type RetentionPolicy } from './retention-rule';

const policy: RetentionPolicy = {
  service: 'test',
  rules: [
    {
      kind: 'case',
      description: 'closed cases',
      table: 'case_record',
      key: 'id',
      clockStarts: 't.closed_at',
      clockStartsWhen: 'the case closes',
      variable: 'RETENTION_CASE_DAYS',
      defaultDays: 730,
      action: { type: 'erase', set: { personal_encrypted: 'NULL' }, erasedAtColumn: 'erased_at' },
    },
    {
      kind: 'reply',
      description: 'stored replies',
      table: 'reply',
      key: 'id',
      clockStarts: 't.created_at',
      clockStartsWhen: 'the request',
      variable: 'RETENTION_REPLY_DAYS',
      defaultDays: 30,
      action: { type: 'delete' },
    },
  ],
};

describe('retention settings', () => {
  it('uses each kind’s default when nothing is set', () => {
    expect(loadRetentionSettings(policy, {})).toEqual({
      settings: {
        enabled: true,
        periods: { case: 730, reply: 30 },
        intervalMinutes: 60,
        batchSize: 500,
      },
      issues: [],
    });
  });

  it('reads a period per kind and the job settings from the environment', () => {
    const { settings, issues } = loadRetentionSettings(policy, {
      RETENTION_CASE_DAYS: '2190',
      RETENTION_PURGE_INTERVAL_MINUTES: '15',
      RETENTION_PURGE_BATCH_SIZE: '50',
      RETENTION_PURGE_ENABLED: 'false',
    });
    expect(issues).toEqual([]);
    expect(settings).toEqual({
      enabled: false,
      periods: { case: 2190, reply: 30 },
      intervalMinutes: 15,
      batchSize: 50,
    });
  });

  it.each([
    ['RETENTION_CASE_DAYS', '0', 'must be between 1 and 36500'],
    ['RETENTION_CASE_DAYS', '40000', 'must be between 1 and 36500'],
    ['RETENTION_REPLY_DAYS', 'thirty', 'whole number'],
    ['RETENTION_PURGE_INTERVAL_MINUTES', '0', 'must be between 1 and 1440'],
    ['RETENTION_PURGE_BATCH_SIZE', '100000', 'must be between 1 and 10000'],
  ])('refuses %s=%s, naming the variable and what it is for', (variable, value, reason) => {
    const { issues } = loadRetentionSettings(policy, { [variable]: value });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.variable).toBe(variable);
    expect(issues[0]?.reason).toContain(reason);
    expect(issues[0]?.description.length).toBeGreaterThan(10);
    expect(new ConfigError(issues).message).toContain(variable);
  });

  it('describes each period with what it keeps and when its clock starts', () => {
    expect(retentionConfigSpec(policy).RETENTION_CASE_DAYS).toEqual({
      kind: 'int',
      default: '730',
      description: 'Days closed cases are kept after the case closes (1 to 36500).',
    });
  });

  it('refuses a period below a kind’s minimum, saying why', () => {
    const withMinimum: RetentionPolicy = {
      service: 'test',
      rules: [{ ...policy.rules[1]!, minimum: { days: 8, because: 'redeliveries' } }],
    };
    const { issues } = loadRetentionSettings(withMinimum, { RETENTION_REPLY_DAYS: '7' });
    expect(issues.map((issue) => [issue.variable, issue.reason])).toEqual([
      ['RETENTION_REPLY_DAYS', 'must be between 8 and 36500 (redeliveries)'],
    ]);
    expect(loadRetentionSettings(withMinimum, { RETENTION_REPLY_DAYS: '8' }).issues).toEqual([]);
  });

  it('refuses a policy that uses one variable for two kinds', () => {
    const twice: RetentionPolicy = {
      service: 'test',
      rules: [policy.rules[0]!, { ...policy.rules[1]!, variable: 'RETENTION_CASE_DAYS' }],
    };
    expect(() => retentionConfigSpec(twice)).toThrow(/RETENTION_CASE_DAYS is used twice/);
  });
});

describe('which records are due', () => {
  const now = new Date('2026-06-01T12:00:00Z');

  it('a record is due once its whole period has passed since its clock started', () => {
    expect(isDueForPurge(new Date('2026-05-31T12:00:00Z'), 30, now)).toBe(false);
    expect(isDueForPurge(new Date('2026-05-02T12:00:00Z'), 30, now)).toBe(false);
    expect(isDueForPurge(new Date('2026-05-02T11:59:59Z'), 30, now)).toBe(true);
    expect(retentionCutoff(now, 30)).toEqual(new Date('2026-05-02T12:00:00Z'));
  });

  it('an open record (no clock yet) is never due, however old', () => {
    expect(isDueForPurge(null, 1, now)).toBe(false);
  });
});
