import type { Admin } from 'kafkajs';
import { expectEventually } from './expect-eventually';

/**
 * Commits a NEW consumer group's offsets at the topic's end, so it reads only what is published
 * from now on. Tests share one broker: a service's fresh group would otherwise start from the
 * earliest offset (ADR-12) and first replay every earlier run's events. The topic must exist; a
 * topic created a moment ago may answer "not the leader" briefly, so the ends are polled.
 */
export async function startGroupAtTopicEnd(
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<void> {
  const ends = await expectEventually(() => admin.fetchTopicOffsets(topic), {
    timeoutMs: 30_000,
    intervalMs: 200,
    description: `the end offsets of ${topic}`,
  });
  await admin.setOffsets({
    groupId,
    topic,
    partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })),
  });
}
