import {
  databaseConfig,
  defineConfig,
  httpConfig,
  kafkaConfig,
  loadConfig,
  loggingConfig,
  redisConfig,
  telemetryConfig,
} from '@harbour/platform';

export const accommodationConfigSpec = defineConfig({
  ...databaseConfig,
  ...redisConfig,
  ...kafkaConfig,
  ...httpConfig(8082),
  ...loggingConfig,
  ...telemetryConfig,
  ACCOMMODATION_DB_SCHEMA: {
    kind: 'string',
    default: 'accommodation',
    description: 'Postgres schema the accommodation service owns.',
  },
});

export type AccommodationConfig = ReturnType<typeof loadAccommodationConfig>;

export function loadAccommodationConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(accommodationConfigSpec, env);
}
