import {
  ConfigError,
  databaseConfig,
  dataEncryptionConfig,
  dataEncryptionConfigIssues,
  defineConfig,
  httpConfig,
  kafkaConfig,
  loadConfig,
  loadRetentionSettings,
  loggingConfig,
  telemetryConfig,
} from '@harbour/platform';
import { INTAKE_RETENTION_POLICY } from './retention/intake-retention-policy';

export const intakeConfigSpec = defineConfig({
  ...databaseConfig,
  ...kafkaConfig,
  ...httpConfig(8080),
  ...loggingConfig,
  ...telemetryConfig,
  ...dataEncryptionConfig,
  INTAKE_DB_SCHEMA: {
    kind: 'string',
    default: 'intake',
    description: 'Postgres schema the intake service owns.',
  },
  BED_REQUEST_TONIGHT_WINDOW_HOURS: {
    kind: 'int',
    default: '6',
    description:
      'Hours matching may try to find a bed for a request needed tonight before the coordinator is told (1-24).',
  },
  PUBLIC_BASE_URL: {
    kind: 'url',
    optional: true,
    description: 'Base URL partners reach this API at, for Location headers (default: relative).',
  },
});

export type IntakeConfig = ReturnType<typeof loadIntakeConfig>;

export function loadIntakeConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(intakeConfigSpec, env);
  // Refused at start rather than at the first referral: a bad key would lose data.
  const issues = [...dataEncryptionConfigIssues(config)];
  const window = config.BED_REQUEST_TONIGHT_WINDOW_HOURS;
  if (window < 1 || window > 24) {
    issues.push({
      variable: 'BED_REQUEST_TONIGHT_WINDOW_HOURS',
      reason: `${window} is not between 1 and 24`,
      description: intakeConfigSpec.BED_REQUEST_TONIGHT_WINDOW_HOURS.description,
    });
  }
  // Retention periods per record kind (RETENTION_*_DAYS): docs/retention.md.
  const retention = loadRetentionSettings(INTAKE_RETENTION_POLICY, env);
  issues.push(...retention.issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return { ...config, retention: retention.settings };
}
