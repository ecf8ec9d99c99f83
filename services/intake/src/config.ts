import {
  ConfigError,
  databaseConfig,
  dataEncryptionConfig,
  dataEncryptionConfigIssues,
  defineConfig,
  httpConfig,
  kafkaConfig,
  loadConfig,
  loggingConfig,
  telemetryConfig,
} from '@harbour/platform';

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
  const issues = dataEncryptionConfigIssues(config);
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}
