import { defineConfig } from './config-spec';

/** Pino's levels, so LOG_LEVEL is checked at start rather than failing inside the logger. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

// URLs that may carry a password are sensitive: their values never appear in errors.

export const databaseConfig = defineConfig({
  DATABASE_URL: {
    kind: 'url',
    default: 'postgres://postgres@127.0.0.1:5432/harbour',
    sensitive: true,
    description: 'PostgreSQL connection URL (postgres://user:password@host:port/database).',
  },
});

export const redisConfig = defineConfig({
  REDIS_URL: {
    kind: 'url',
    default: 'redis://127.0.0.1:6379',
    sensitive: true,
    description: 'Redis connection URL used by BullMQ (redis://[:password@]host:port[/db]).',
  },
});

export const kafkaConfig = defineConfig({
  KAFKA_BROKERS: {
    kind: 'list',
    default: '127.0.0.1:9092',
    description: 'Comma-separated Kafka bootstrap brokers (host:port).',
  },
  KAFKA_CLIENT_ID: {
    kind: 'string',
    optional: true,
    description: 'Kafka client id; defaults to the service name.',
  },
  KAFKA_SESSION_TIMEOUT_MS: {
    kind: 'int',
    default: '30000',
    description:
      "How long the broker waits for a silent consumer before giving its partitions to another: after a crash, a restarted service waits this long for its partitions. At least the broker's group.min.session.timeout.ms (6000 by default).",
  },
});

/** Heartbeats a third of the session timeout apart at most (kafkajs's default is 3 s). */
export function kafkaHeartbeatIntervalMs(sessionTimeoutMs: number): number {
  return Math.max(500, Math.min(3_000, Math.floor(sessionTimeoutMs / 3)));
}

export const smtpConfig = defineConfig({
  SMTP_URL: {
    kind: 'url',
    default: 'smtp://127.0.0.1:1025',
    sensitive: true,
    description: 'SMTP server URL for e-mail alerts (smtp[s]://[user:password@]host:port).',
  },
  SMTP_FROM: {
    kind: 'string',
    default: 'Harbour Alerts <alerts@harbour.localhost>',
    description: 'From address of alert e-mails.',
  },
});

/**
 * PORT and HOST of a service's HTTP API (each service passes its own default port), and the
 * per-API-key rate limit `PlatformModule` applies to it.
 */
export function httpConfig(defaultPort: number) {
  return defineConfig({
    PORT: {
      kind: 'port',
      default: String(defaultPort),
      description: 'HTTP port of the API.',
    },
    HOST: {
      kind: 'string',
      default: '127.0.0.1',
      description: 'Interface the HTTP API listens on (0.0.0.0 in containers).',
    },
    API_RATE_LIMIT_PER_MINUTE: {
      kind: 'int',
      default: '1200',
      description:
        'Requests one API key may make per minute, sustained, on each instance (429 with Retry-After beyond).',
    },
    API_RATE_LIMIT_BURST: {
      kind: 'int',
      default: '1200',
      description: 'Requests one API key may make at once after a quiet spell (its bucket size).',
    },
  });
}

export const loggingConfig = defineConfig({
  LOG_LEVEL: {
    kind: 'enum',
    values: LOG_LEVELS,
    default: 'info',
    description: 'Lowest log level written.',
  },
});

export const telemetryConfig = defineConfig({
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    kind: 'url',
    optional: true,
    description: 'OTLP/HTTP collector base URL (e.g. http://127.0.0.1:4318); unset = no export.',
  },
  OTEL_SERVICE_NAME: {
    kind: 'string',
    optional: true,
    description: 'Service name reported in traces; defaults to the service name.',
  },
});
