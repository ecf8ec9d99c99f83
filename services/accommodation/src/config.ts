import {
  type Config,
  ConfigError,
  type ConfigIssue,
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
import type { HoldMinutes } from './domain/offer-hold';
import { ACCOMMODATION_RETENTION_POLICY } from './retention/accommodation-retention-policy';

export const accommodationConfigSpec = defineConfig({
  ...databaseConfig,
  ...kafkaConfig,
  ...httpConfig(8082),
  ...loggingConfig,
  ...telemetryConfig,
  ...dataEncryptionConfig,
  ACCOMMODATION_DB_SCHEMA: {
    kind: 'string',
    default: 'accommodation',
    description: 'Postgres schema the accommodation service owns.',
  },
  PUBLIC_BASE_URL: {
    kind: 'url',
    optional: true,
    description: 'Base URL partners reach this API at, for Location headers (default: relative).',
  },
  ACCOMMODATION_KAFKA_GROUP: {
    kind: 'string',
    default: 'harbour-accommodation',
    description: 'Kafka consumer group of the accommodation service (bed requests).',
  },
  ACCOMMODATION_OFFER_FANOUT: {
    kind: 'int',
    default: '3',
    description: 'How many providers hold an open offer for one bed request at the same time.',
  },
  ACCOMMODATION_HOLD_MINUTES_TONIGHT: {
    kind: 'string',
    default: '30',
    description:
      'Minutes a bed is held for a provider to answer a "tonight" request (decimals allowed; never beyond the request\'s matchBy).',
  },
  ACCOMMODATION_HOLD_MINUTES_WITHIN_DAYS: {
    kind: 'string',
    default: '240',
    description: 'Minutes a bed is held for a "within_days" request (decimals allowed).',
  },
  ACCOMMODATION_HOLD_MINUTES_PLANNED: {
    kind: 'string',
    default: '1440',
    description: 'Minutes a bed is held for a "planned" (move-on) request (decimals allowed).',
  },
  ACCOMMODATION_STALE_AFTER_HOURS: {
    kind: 'int',
    default: '24',
    description:
      'Availability not confirmed for this many hours is shown as stale and ranked lower.',
  },
  ACCOMMODATION_TIMER_POLL_MS: {
    kind: 'int',
    default: '1000',
    description:
      'How often expired holds and passed matching windows are looked for (milliseconds).',
  },
});

type RawConfig = Config<typeof accommodationConfigSpec>;

const HOLD_VARIABLES = {
  tonight: 'ACCOMMODATION_HOLD_MINUTES_TONIGHT',
  within_days: 'ACCOMMODATION_HOLD_MINUTES_WITHIN_DAYS',
  planned: 'ACCOMMODATION_HOLD_MINUTES_PLANNED',
} as const;

const DECIMAL = /^\d+(\.\d+)?$/;

function issue(variable: keyof typeof accommodationConfigSpec, reason: string): ConfigIssue {
  return { variable, reason, description: accommodationConfigSpec[variable].description };
}

function matchingConfigIssues(config: RawConfig): ConfigIssue[] {
  const holds = Object.values(HOLD_VARIABLES).flatMap((variable) =>
    DECIMAL.test(config[variable]) && Number(config[variable]) > 0
      ? []
      : [issue(variable, 'must be a number of minutes above 0')],
  );
  return [
    ...holds,
    ...(config.ACCOMMODATION_OFFER_FANOUT < 1 || config.ACCOMMODATION_OFFER_FANOUT > 50
      ? [issue('ACCOMMODATION_OFFER_FANOUT', 'must be between 1 and 50')]
      : []),
    ...(config.ACCOMMODATION_STALE_AFTER_HOURS < 1
      ? [issue('ACCOMMODATION_STALE_AFTER_HOURS', 'must be 1 or more')]
      : []),
    ...(config.ACCOMMODATION_TIMER_POLL_MS < 10
      ? [issue('ACCOMMODATION_TIMER_POLL_MS', 'must be 10 or more')]
      : []),
  ];
}

export type AccommodationConfig = ReturnType<typeof loadAccommodationConfig>;

/**
 * Accommodation keeps the names of people needing a bed: it refuses to start without a sound
 * key, or with matching settings that make no sense.
 */
export function loadAccommodationConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(accommodationConfigSpec, env);
  // Retention periods per record kind (RETENTION_*_DAYS): docs/retention.md.
  const retention = loadRetentionSettings(ACCOMMODATION_RETENTION_POLICY, env);
  const issues = [
    ...dataEncryptionConfigIssues(config),
    ...matchingConfigIssues(config),
    ...retention.issues,
  ];
  if (issues.length > 0) throw new ConfigError(issues);
  const holdMinutes: HoldMinutes = {
    tonight: Number(config.ACCOMMODATION_HOLD_MINUTES_TONIGHT),
    within_days: Number(config.ACCOMMODATION_HOLD_MINUTES_WITHIN_DAYS),
    planned: Number(config.ACCOMMODATION_HOLD_MINUTES_PLANNED),
  };
  return { ...config, holdMinutes, retention: retention.settings };
}
