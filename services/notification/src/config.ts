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
  redisConfig,
  smtpConfig,
  telemetryConfig,
} from '@harbour/platform';
import {
  acknowledgementConfig,
  acknowledgementConfigIssues,
} from './acknowledgement/acknowledgement-config';
import { escalationConfig } from './escalation/escalation-config';
import { NOTIFICATION_RETENTION_POLICY } from './retention/notification-retention-policy';

export const notificationConfigSpec = defineConfig({
  ...databaseConfig,
  ...redisConfig,
  ...kafkaConfig,
  ...smtpConfig,
  ...httpConfig(8083),
  ...loggingConfig,
  ...telemetryConfig,
  // Webhook signing secrets and partners' replies are encrypted at rest under this key.
  ...dataEncryptionConfig,
  ...acknowledgementConfig,
  ...escalationConfig,
  NOTIFICATION_DB_SCHEMA: {
    kind: 'string',
    default: 'notification',
    description: 'Postgres schema the notification service owns.',
  },
  NOTIFICATION_KAFKA_GROUP: {
    kind: 'string',
    default: 'harbour-notification',
    description: 'Kafka consumer group of the notification service.',
  },
  NOTIFICATION_QUEUE_PREFIX: {
    kind: 'string',
    default: 'harbour',
    description: 'Redis key prefix of the BullMQ delivery queue (tests use a unique one).',
  },
  NOTIFICATION_QUEUE_NAME: {
    kind: 'string',
    default: 'harbour-delivery',
    description: 'Name of the BullMQ delivery queue.',
  },
  NOTIFICATION_DELIVERY_CONCURRENCY: {
    kind: 'int',
    default: '10',
    description: 'Deliveries one process sends at the same time, per channel (e-mail, webhook).',
  },
  NOTIFICATION_DB_POOL_SIZE: {
    kind: 'int',
    default: '10',
    description:
      'Postgres connections of the service. A delivery holds one only for its statements, never during its send, so fewer than the sends in flight (2 × NOTIFICATION_DELIVERY_CONCURRENCY) suffice; more only add contention on a small database host.',
  },
  NOTIFICATION_CONSUMER_CONCURRENCY: {
    kind: 'int',
    default: '4',
    description:
      'Alert events handled at the same time (different alerts; one alert’s events always in order). Each holds a Postgres connection for its transaction, so keep it below NOTIFICATION_DB_POOL_SIZE.',
  },
  NOTIFICATION_DELIVERY_ATTEMPTS: {
    kind: 'int',
    default: '8',
    description: 'Send attempts per delivery before it is marked failed.',
  },
  NOTIFICATION_RETRY_BASE_MS: {
    kind: 'int',
    default: '5000',
    description: 'First retry delay of a failed send; doubles per attempt, with jitter.',
  },
  NOTIFICATION_RETRY_MAX_MS: {
    kind: 'int',
    default: '900000',
    description: 'Longest delay between two send attempts.',
  },
  NOTIFICATION_SWEEP_INTERVAL_MS: {
    kind: 'int',
    default: '1000',
    description: 'How often pending deliveries without a live queue job are re-armed.',
  },
  NOTIFICATION_SMTP_MAX_CONNECTIONS: {
    kind: 'int',
    default: '5',
    description: 'Pooled SMTP connections.',
  },
  NOTIFICATION_EMAIL_RATE_PER_SECOND: {
    kind: 'int',
    default: '50',
    description: 'Most e-mails sent per second (BullMQ limiter of the e-mail queue).',
  },
  NOTIFICATION_WEBHOOK_RATE_PER_SECOND: {
    kind: 'int',
    default: '20',
    description: 'Most webhook requests per second (BullMQ limiter of the webhook queue).',
  },
  NOTIFICATION_WEBHOOK_TIMEOUT_MS: {
    kind: 'int',
    default: '10000',
    description: 'Longest wait for a partner webhook to answer.',
  },
});

export type NotificationConfig = ReturnType<typeof loadNotificationConfig>;

export function loadNotificationConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(notificationConfigSpec, env);
  const positive = [
    'NOTIFICATION_DELIVERY_CONCURRENCY',
    'NOTIFICATION_DB_POOL_SIZE',
    'NOTIFICATION_CONSUMER_CONCURRENCY',
    'NOTIFICATION_DELIVERY_ATTEMPTS',
    'NOTIFICATION_RETRY_BASE_MS',
    'NOTIFICATION_RETRY_MAX_MS',
    'NOTIFICATION_SWEEP_INTERVAL_MS',
    'NOTIFICATION_SMTP_MAX_CONNECTIONS',
    'NOTIFICATION_ESCALATION_SWEEP_MS',
    'NOTIFICATION_ESCALATION_MINUTE_MS',
    'NOTIFICATION_EMAIL_RATE_PER_SECOND',
    'NOTIFICATION_WEBHOOK_RATE_PER_SECOND',
    'NOTIFICATION_WEBHOOK_TIMEOUT_MS',
  ] as const;
  const issues = positive
    .filter((variable) => config[variable] < 1)
    .map((variable) => ({
      variable,
      reason: `${config[variable]} is less than 1`,
      description: notificationConfigSpec[variable].description,
    }));
  const allIssues = [
    ...issues,
    ...acknowledgementConfigIssues(config),
    ...dataEncryptionConfigIssues(config),
  ];
  // Retention periods per record kind (RETENTION_*_DAYS): docs/retention.md.
  const retention = loadRetentionSettings(NOTIFICATION_RETENTION_POLICY, env);
  allIssues.push(...retention.issues);
  if (allIssues.length > 0) throw new ConfigError(allIssues);
  return { ...config, retention: retention.settings };
}
