import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import type { KafkaClient } from './kafka-client';

export interface TopicRecord {
  partition: number;
  message: KafkaMessage;
}

export interface ReadToEndOptions {
  /** Give up (and throw) if the end is not reached in this time. Default 30 000. */
  timeoutMs?: number;
}

/**
 * Reads a topic from its earliest offsets up to the end offsets it had when called, then stops.
 * Uses a throwaway consumer group that never commits, so it disturbs no real consumer.
 * Records come back ordered by partition, then offset.
 */
export async function readTopicToEnd(
  kafka: KafkaClient,
  topic: string,
  options: ReadToEndOptions = {},
): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const remaining = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const high = BigInt(p.high);
      if (high > BigInt(p.low)) remaining.set(p.partition, high - 1n);
    }
  } finally {
    await admin.disconnect();
  }
  if (remaining.size === 0) return [];

  const groupId = `harbour-topic-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
  const records: TopicRecord[] = [];
  let reachedEnd: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    reachedEnd = resolve;
  });
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) => {
        const last = remaining.get(partition);
        if (last !== undefined && BigInt(message.offset) <= last) {
          records.push({ partition, message });
          if (BigInt(message.offset) === last) remaining.delete(partition);
        }
        if (remaining.size === 0) reachedEnd();
        return Promise.resolve();
      },
    });
    const outcome = await Promise.race([done, timedOut]);
    if (outcome === 'timeout') {
      throw new Error(`Timed out after ${timeoutMs} ms reading ${topic} to its end`);
    }
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
    await deleteGroupQuietly(kafka, groupId);
  }
  return records.sort(
    (a, b) => a.partition - b.partition || compareOffsets(a.message.offset, b.message.offset),
  );
}

function compareOffsets(a: string, b: string): number {
  const diff = BigInt(a) - BigInt(b);
  return diff === 0n ? 0 : diff < 0n ? -1 : 1;
}

async function deleteGroupQuietly(kafka: KafkaClient, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // The group has no committed offsets and expires on its own.
  } finally {
    await admin.disconnect();
  }
}
