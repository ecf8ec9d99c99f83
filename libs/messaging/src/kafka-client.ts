import { type Admin, Kafka, type KafkaConfig, type LogEntry, logLevel } from 'kafkajs';
import { rememberConfig } from './kafka-probe-client';
import type { Logger } from './logger';

/**
 * The Kafka client handed around the services. It is kafkajs today; services only pass it to
 * this library's functions, so a move to another client stays inside `libs/messaging`.
 */
export type KafkaClient = Kafka;

export type KafkaLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'nothing';

export interface CreateKafkaOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Least severe kafkajs log routed to `logger` (default `info`). */
  logLevel?: KafkaLogLevel;
}

const LEVELS: Record<KafkaLogLevel, logLevel> = {
  debug: logLevel.DEBUG,
  info: logLevel.INFO,
  warn: logLevel.WARN,
  error: logLevel.ERROR,
  nothing: logLevel.NOTHING,
};

// The relay bounds its idempotent producer's retries so a Kafka outage surfaces as a failed
// batch (recorded on the outbox rows and retried) instead of an endless send; the duplicates
// that kafkajs warns about are absorbed by the consumers' inbox, so the warning is noise.
const EXPECTED_WARNINGS = ['Limiting retries for the idempotent producer'];

// kafkajs logs, at error level, the protocol errors it then retries by itself — typically while
// a fresh broker creates its internal offsets topic or a new topic elects its leaders. They are
// expected and transient; a failure that outlasts the retries still surfaces as a thrown error.
const RETRIED_PROTOCOL_ERRORS = [
  'The group coordinator is not available',
  'There is no leader for this topic-partition',
  'This server does not host this topic-partition',
  'This server is not the leader for that topic-partition',
  "The coordinator is loading and hence can't process requests",
];

function isRetriedProtocolError(fields: Record<string, unknown>): boolean {
  const error = fields.error;
  return typeof error === 'string' && RETRIED_PROTOCOL_ERRORS.some((e) => error.startsWith(e));
}

/** Routes kafkajs's log entries to our structured logger. */
export function kafkaLogCreator(logger: Logger): (level: logLevel) => (entry: LogEntry) => void {
  return () =>
    ({ namespace, level, log }) => {
      const {
        message,
        timestamp: _timestamp,
        ...fields
      } = log as { message: string; timestamp: string };
      const obj = { component: 'kafkajs', namespace, ...fields };
      if (level === logLevel.WARN && EXPECTED_WARNINGS.some((w) => message.startsWith(w))) {
        logger.debug(obj, message);
        return;
      }
      switch (level) {
        case logLevel.ERROR:
          if (isRetriedProtocolError(fields)) logger.warn(obj, message);
          else logger.error(obj, message);
          return;
        case logLevel.WARN:
          logger.warn(obj, message);
          return;
        case logLevel.INFO:
          logger.info(obj, message);
          return;
        case logLevel.DEBUG:
        case logLevel.NOTHING:
          logger.debug(obj, message);
          return;
      }
    };
}

export function createKafka(options: CreateKafkaOptions): KafkaClient {
  const config: KafkaConfig = {
    brokers: options.brokers,
    clientId: options.clientId,
    logLevel: LEVELS[options.logLevel ?? 'info'],
    logCreator: kafkaLogCreator(options.logger),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    // Ride out a broker restart (~tens of seconds) before an operation fails to the caller.
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 8 },
  };
  const kafka = new Kafka(config);
  rememberConfig(kafka, config);
  return kafka;
}

/** The dead-letter sibling of a topic. */
export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

export interface EnsureTopicsOptions {
  /** Partitions for each new topic and its `.dlq` sibling (default 3). */
  partitions?: number;
  /** Default -1: the broker's `default.replication.factor`. */
  replicationFactor?: number;
}

/**
 * Creates each topic and its `.dlq` sibling if missing and waits for their leaders. Idempotent:
 * existing topics are left as they are (and another process creating them at the same time is
 * fine). Returns the topics this call created.
 */
export async function ensureTopics(
  kafka: KafkaClient,
  topics: string[],
  options: EnsureTopicsOptions = {},
): Promise<string[]> {
  const wanted = [...new Set(topics.flatMap((t) => [t, dlqTopicOf(t)]))];
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: options.partitions ?? 3,
        replicationFactor: options.replicationFactor ?? -1,
      })),
    });
    await waitForLeaders(admin, missing);
    return missing;
  } finally {
    await admin.disconnect();
  }
}

// kafkajs's own `waitForLeaders` gives up on "This server does not host this topic-partition",
// which a broker answers while it is still creating a new topic's partitions (seen on a fresh
// broker under load): poll the metadata until every partition has a leader.
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.topics.every(
        (topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0),
      );
      if (ready) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) {
      throw new Error(`topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
