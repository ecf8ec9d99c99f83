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

export const safeguardingConfigSpec = defineConfig({
  ...databaseConfig,
  ...kafkaConfig,
  ...httpConfig(8081),
  ...loggingConfig,
  ...telemetryConfig,
  ...dataEncryptionConfig,
  SAFEGUARDING_DB_SCHEMA: {
    kind: 'string',
    default: 'safeguarding',
    description: 'Postgres schema the safeguarding service owns.',
  },
  SAFEGUARDING_KAFKA_GROUP: {
    kind: 'string',
    default: 'harbour-safeguarding',
    description: 'Kafka consumer group of the safeguarding service.',
  },
});

export type SafeguardingConfig = ReturnType<typeof loadSafeguardingConfig>;

/** Safeguarding keeps personal data (referral cases, episodes): it refuses to start without a sound key. */
export function loadSafeguardingConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(safeguardingConfigSpec, env);
  const issues = dataEncryptionConfigIssues(config);
  if (issues.length > 0) throw new ConfigError(issues);
  return config;
}
