import type { OrganisationKind } from '@harbour/contracts';
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
import { SAFEGUARDING_RETENTION_POLICY } from './retention/safeguarding-retention-policy';

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
  SAFEGUARDING_CONSUMER_CONCURRENCY: {
    kind: 'int',
    default: '4',
    description:
      'Events decided at once (events of one key always one after another). Above 1 each runs in a serializable transaction, so decisions come out as if made one at a time. 1 to 8.',
  },
  OPERATION_PREBRIEF_MIN_HOURS: {
    kind: 'int',
    default: '24',
    description:
      'An NGO pre-brief posted fewer hours than this before an operation starts is marked short notice and the coordinator is told.',
  },
  OPERATION_RELEASE_LEAD_MINUTES: {
    kind: 'int',
    default: '120',
    description:
      'Minutes before an operation starts at which its address, exact time and lead contact are released to the vetted kinds.',
  },
  OPERATION_VETTED_KINDS: {
    kind: 'list',
    default: 'police_borough,police_specialist,immigration',
    description:
      "Comma-separated organisation kinds an operation's operational detail is released to.",
  },
  OPERATION_DISPLACEMENT_WATCH_HOURS: {
    kind: 'int',
    default: '72',
    description:
      'Hours after an operation starts that neighbouring boroughs watch for displacement.',
  },
  ACCOMMODATION_PUBLIC_URL: {
    kind: 'url',
    default: 'http://127.0.0.1:8082',
    description:
      'Base URL partners reach accommodation on; bed offer alerts tell providers to answer at <url>/v1/offers/<id>/decision and requesters to read <url>/v1/placements/<id>.',
  },
  OPERATION_TIMER_POLL_MS: {
    kind: 'int',
    default: '1000',
    description: 'How often the timer poller looks for due operation timers (milliseconds).',
  },
});

const ORGANISATION_KINDS: readonly OrganisationKind[] = [
  'police_borough',
  'police_specialist',
  'immigration',
  'local_authority',
  'ngo',
  'housing_provider',
  'missing_person_unit',
  'coordinator',
];

function isOrganisationKind(value: string): value is OrganisationKind {
  return (ORGANISATION_KINDS as readonly string[]).includes(value);
}

/** Numbers that must be positive (or at least zero) and kinds that must exist. */
function operationConfigIssues(config: Config<typeof safeguardingConfigSpec>): ConfigIssue[] {
  const issue = (variable: keyof typeof safeguardingConfigSpec, reason: string): ConfigIssue => ({
    variable,
    reason,
    description: safeguardingConfigSpec[variable].description,
  });
  return [
    ...(config.SAFEGUARDING_CONSUMER_CONCURRENCY < 1 || config.SAFEGUARDING_CONSUMER_CONCURRENCY > 8
      ? [issue('SAFEGUARDING_CONSUMER_CONCURRENCY', 'must be from 1 to 8')]
      : []),
    ...(config.OPERATION_PREBRIEF_MIN_HOURS < 0
      ? [issue('OPERATION_PREBRIEF_MIN_HOURS', 'must be 0 or more')]
      : []),
    ...(config.OPERATION_RELEASE_LEAD_MINUTES < 0
      ? [issue('OPERATION_RELEASE_LEAD_MINUTES', 'must be 0 or more')]
      : []),
    ...(config.OPERATION_DISPLACEMENT_WATCH_HOURS < 1
      ? [issue('OPERATION_DISPLACEMENT_WATCH_HOURS', 'must be 1 or more')]
      : []),
    ...(config.OPERATION_TIMER_POLL_MS < 10
      ? [issue('OPERATION_TIMER_POLL_MS', 'must be 10 or more')]
      : []),
    ...(config.OPERATION_VETTED_KINDS.length === 0
      ? [issue('OPERATION_VETTED_KINDS', 'must name at least one organisation kind')]
      : []),
    ...config.OPERATION_VETTED_KINDS.filter((kind) => !isOrganisationKind(kind)).map((kind) =>
      issue('OPERATION_VETTED_KINDS', `${kind} is not an organisation kind`),
    ),
  ];
}

export type SafeguardingConfig = ReturnType<typeof loadSafeguardingConfig>;

/**
 * Safeguarding keeps personal data (referral cases, episodes): it refuses to start without a
 * sound key, or with operation settings that make no sense.
 */
export function loadSafeguardingConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(safeguardingConfigSpec, env);
  // Retention periods per record kind (RETENTION_*_DAYS): docs/retention.md.
  const retention = loadRetentionSettings(SAFEGUARDING_RETENTION_POLICY, env);
  const issues = [
    ...dataEncryptionConfigIssues(config),
    ...operationConfigIssues(config),
    ...retention.issues,
  ];
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    ...config,
    OPERATION_VETTED_KINDS: config.OPERATION_VETTED_KINDS.filter(isOrganisationKind),
    retention: retention.settings,
  };
}
