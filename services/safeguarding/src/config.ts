import {
  databaseConfig,
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

export function loadSafeguardingConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(safeguardingConfigSpec, env);
}
