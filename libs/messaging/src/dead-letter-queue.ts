import { type Message, Partitioners } from 'kafkajs';
import { CE_HEADERS, headerText } from './cloudevents-codec';
import { DLQ_HEADERS, withoutDlqHeaders } from './dead-letter-headers';
import type { KafkaClient } from './kafka-client';
import { readTopicToEnd, type TopicRecord } from './topic-reader';

/** One dead-lettered message, as an operator inspects it (no payload). */
export interface DlqEntry {
  partition: number;
  offset: string;
  key: string | null;
  /** `null` when the envelope itself was invalid and had no such header. */
  eventId: string | null;
  eventType: string | null;
  eventSource: string | null;
  reason: string;
  error: string;
  sourceTopic: string;
  sourcePartition: number | null;
  sourceOffset: string | null;
  consumer: string | null;
  failedAt: string | null;
}

export interface DlqPosition {
  partition: number;
  offset: string | number;
}

export interface ReadDlqOptions {
  /** Return at most this many entries (the oldest by partition and offset). */
  limit?: number;
  timeoutMs?: number;
}

export interface ReplayDlqOptions {
  /** Entries to replay; all of them when omitted. */
  offsets?: DlqPosition[];
  timeoutMs?: number;
}

/** Lists a dead-letter topic from its beginning to its current end. */
export async function readDlq(
  kafka: KafkaClient,
  dlqTopic: string,
  options: ReadDlqOptions = {},
): Promise<DlqEntry[]> {
  const records = await readTopicToEnd(kafka, dlqTopic, withTimeout(options.timeoutMs));
  const entries = records.map((r) => toEntry(dlqTopic, r));
  return options.limit === undefined ? entries : entries.slice(0, Math.max(0, options.limit));
}

/**
 * Republishes the selected (or all) dead-lettered messages to their source topic with their
 * original key, value and CloudEvents headers, the dead-letter annotations removed. Consumers
 * that already processed an event ignore it again (inbox), so replaying is safe to repeat.
 * Returns how many messages were republished.
 */
export async function replayDlq(
  kafka: KafkaClient,
  dlqTopic: string,
  options: ReplayDlqOptions = {},
): Promise<number> {
  const wanted = options.offsets?.map((o) => `${o.partition}:${String(o.offset)}`);
  const records = (await readTopicToEnd(kafka, dlqTopic, withTimeout(options.timeoutMs))).filter(
    (r) => wanted === undefined || wanted.includes(`${r.partition}:${r.message.offset}`),
  );
  if (records.length === 0) return 0;
  // One batch, grouped by source topic in DLQ order, so one key's events keep their order.
  const byTopic = new Map<string, Message[]>();
  for (const { message } of records) {
    const target = sourceTopicOf(dlqTopic, message.headers);
    const messages = byTopic.get(target) ?? [];
    messages.push({
      key: message.key,
      value: message.value,
      headers: withoutDlqHeaders(message.headers),
    });
    byTopic.set(target, messages);
  }
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  } finally {
    await producer.disconnect();
  }
  return records.length;
}

function withTimeout(timeoutMs: number | undefined): { timeoutMs?: number } {
  return timeoutMs === undefined ? {} : { timeoutMs };
}

function sourceTopicOf(dlqTopic: string, headers: TopicRecord['message']['headers']): string {
  return headerText(headers?.[DLQ_HEADERS.sourceTopic]) ?? dlqTopic.replace(/\.dlq$/, '');
}

function toEntry(dlqTopic: string, { partition, message }: TopicRecord): DlqEntry {
  const h = (name: string): string | null => headerText(message.headers?.[name]) ?? null;
  const sourcePartition = h(DLQ_HEADERS.sourcePartition);
  return {
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    eventId: h(CE_HEADERS.id),
    eventType: h(CE_HEADERS.type),
    eventSource: h(CE_HEADERS.source),
    reason: h(DLQ_HEADERS.reason) ?? 'unknown',
    error: h(DLQ_HEADERS.error) ?? '',
    sourceTopic: sourceTopicOf(dlqTopic, message.headers),
    sourcePartition: sourcePartition === null ? null : Number(sourcePartition),
    sourceOffset: h(DLQ_HEADERS.sourceOffset),
    consumer: h(DLQ_HEADERS.consumer),
    failedAt: h(DLQ_HEADERS.failedAt),
  };
}
