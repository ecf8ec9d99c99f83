import type { ConfigIssue } from '../config/config-error';
import { ConfigError } from '../config/config-error';
import type { ConfigSpec, VariableSpec } from '../config/config-spec';
import { loadConfig } from '../config/load-config';
import type { RetentionPolicy } from './retention-rule';

/** A hundred years: anything longer is a typo, not a retention period. */
export const RETENTION_MAX_DAYS = 36_500;
export const RETENTION_MAX_BATCH_SIZE = 10_000;

/** The purge job's configuration, loaded with the service's. */
export interface RetentionSettings {
  /** Whether the job runs on its timer (a run-once still works when off). */
  enabled: boolean;
  /** Kind → days kept after the clock starts. */
  periods: Readonly<Record<string, number>>;
  /** How often the job runs. */
  intervalMinutes: number;
  /** Most records of one kind purged by one run (the rest wait for the next run). */
  batchSize: number;
}

const JOB_VARIABLES = {
  RETENTION_PURGE_ENABLED: {
    kind: 'boolean',
    default: 'true',
    description:
      'Whether the retention purge job runs on its timer (docs/retention.md). Turn it off only while the data protection officer reviews the periods.',
  },
  RETENTION_PURGE_INTERVAL_MINUTES: {
    kind: 'int',
    default: '60',
    description: 'Minutes between retention purge runs (1 to 1440).',
  },
  RETENTION_PURGE_BATCH_SIZE: {
    kind: 'int',
    default: '500',
    description: `Most records of one kind one purge run removes or erases (1 to ${RETENTION_MAX_BATCH_SIZE}); a backlog drains over successive runs.`,
  },
} as const satisfies ConfigSpec;

/** The variables of `policy`: one period per kind, plus the job's own. */
export function retentionConfigSpec(policy: RetentionPolicy): ConfigSpec {
  const spec: Record<string, VariableSpec> = { ...JOB_VARIABLES };
  for (const rule of policy.rules) {
    if (spec[rule.variable] !== undefined) {
      throw new Error(`retention variable ${rule.variable} is used twice in ${policy.service}`);
    }
    const minimum = rule.minimum?.days ?? 1;
    if (rule.defaultDays < minimum) {
      throw new Error(`retention default for ${rule.kind} is below its own minimum`);
    }
    spec[rule.variable] = {
      kind: 'int',
      default: String(rule.defaultDays),
      description: `Days ${rule.description} are kept after ${rule.clockStartsWhen} (${minimum} to ${RETENTION_MAX_DAYS}).`,
    };
  }
  return spec;
}

/**
 * Reads the policy's periods and the job's settings from `env`. Returns the issues rather than
 * throwing, so a service reports them together with the rest of its configuration.
 */
export function loadRetentionSettings(
  policy: RetentionPolicy,
  env: NodeJS.ProcessEnv,
): { settings: RetentionSettings; issues: ConfigIssue[] } {
  const spec = retentionConfigSpec(policy);
  const issues: ConfigIssue[] = [];
  // One variable at a time, so a typo in one and an out-of-range value in another both show.
  const read = (variable: string): unknown => {
    try {
      return loadConfig({ [variable]: spec[variable] as VariableSpec }, env)[variable];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues.push(...error.issues);
      return undefined;
    }
  };
  const whole = (
    variable: string,
    min: number,
    max: number,
    fallback: number,
    because?: string,
  ): number => {
    const value = read(variable);
    if (typeof value !== 'number') return fallback;
    if (value < min || value > max) {
      issues.push({
        variable,
        reason: `must be between ${min} and ${max}${because === undefined ? '' : ` (${because})`}`,
        description: spec[variable]?.description ?? '',
      });
    }
    return value;
  };
  const defaults = defaultSettings(policy);
  const periods: Record<string, number> = {};
  for (const rule of policy.rules) {
    const { days, because } = rule.minimum ?? { days: 1, because: undefined };
    periods[rule.kind] = whole(rule.variable, days, RETENTION_MAX_DAYS, rule.defaultDays, because);
  }
  const enabled = read('RETENTION_PURGE_ENABLED');
  const settings: RetentionSettings = {
    enabled: typeof enabled === 'boolean' ? enabled : defaults.enabled,
    periods,
    intervalMinutes: whole('RETENTION_PURGE_INTERVAL_MINUTES', 1, 1440, defaults.intervalMinutes),
    batchSize: whole('RETENTION_PURGE_BATCH_SIZE', 1, RETENTION_MAX_BATCH_SIZE, defaults.batchSize),
  };
  return { settings, issues };
}

/** The policy's built-in settings (what a service runs with when nothing is configured). */
export function defaultSettings(policy: RetentionPolicy): RetentionSettings {
  return {
    enabled: true,
    periods: Object.fromEntries(policy.rules.map((rule) => [rule.kind, rule.defaultDays])),
    intervalMinutes: 60,
    batchSize: 500,
  };
}
