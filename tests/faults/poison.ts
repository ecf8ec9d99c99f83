import { randomUUID } from 'node:crypto';
import { topics } from '@harbour/contracts';
import { createKafka, type DlqEntry, type KafkaClient } from '@harbour/messaging';
import { createLogger } from '@harbour/platform';
import { expectEventually } from '@harbour/testing';
import { AssignerProtocol } from 'kafkajs';
import { Client } from 'pg';
import type { FaultStack } from './fault-stack';
import { MissingChildLoad } from './load';
import type { Reconciliation } from './reconcile';
import { type Scenario, type ScenarioContext, settleAndReconcile, underLoad } from './scenarios';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function kafkaOf(stack: FaultStack): KafkaClient {
  return createKafka({
    brokers: [stack.kafka.brokers],
    clientId: 'harbour-faults-poison',
    logger: createLogger({ service: 'faults', level: 'silent' }),
    logLevel: 'nothing',
  });
}

/** Which topics each of the services' consumer groups reads, as the broker knows them. */
async function subscriptions(kafka: KafkaClient): Promise<Map<string, string[]>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const described = await admin.describeGroups(groups.map((g) => g.groupId));
    const byGroup = new Map<string, string[]>();
    for (const group of described.groups) {
      const subscribed = new Set<string>();
      for (const member of group.members) {
        for (const topic of AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics ??
          []) {
          subscribed.add(topic);
        }
      }
      if (subscribed.size > 0) byGroup.set(group.groupId, [...subscribed]);
    }
    return byGroup;
  } finally {
    await admin.disconnect();
  }
}

function deadLetters(stack: FaultStack, topic: string): DlqEntry[] {
  return JSON.parse(stack.cli('dlq', 'list', topic, '--json') || '[]') as DlqEntry[];
}

/**
 * A poison message (not even JSON) written straight to every partition of every topic while
 * the load runs. Every consumer group reading a topic must dead-letter it once per partition
 * (`<topic>.dlq`, found with `harbour dlq list`), and the load's reports, which share those
 * partitions, must all still be delivered: the partition kept flowing.
 */
async function poisonEveryTopic(context: ScenarioContext): Promise<Reconciliation> {
  const { stack } = context;
  const kafka = kafkaOf(stack);
  const marker = `faults-poison-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  const partitionsOf = new Map<string, number[]>();
  try {
    for (const topic of Object.values(topics)) {
      const offsets = await admin.fetchTopicOffsets(topic);
      partitionsOf.set(
        topic,
        offsets.map((o) => o.partition),
      );
    }
  } finally {
    await admin.disconnect();
  }
  const readers = await subscriptions(kafka);
  const { row } = await underLoad(context, 'Poison message on every topic', async () => {
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...partitionsOf].map(([topic, partitions]) => ({
          topic,
          messages: partitions.map((partition) => ({
            partition,
            key: marker,
            value: '{"this is": not json',
          })),
        })),
      });
    } finally {
      await producer.disconnect();
    }
  });
  // Every (topic, group) pair the broker knows of must have dead-lettered each partition's poison.
  const expected = [...readers].flatMap(([group, read]) =>
    read.map((topic) => ({ group, topic, count: partitionsOf.get(topic)?.length ?? 0 })),
  );
  let found = new Map<string, number>();
  try {
    await expectEventually(
      () => {
        found = new Map();
        for (const topic of Object.values(topics)) {
          for (const entry of deadLetters(stack, topic).filter((e) => e.key === marker)) {
            const key = `${topic}|${entry.consumer ?? '?'}`;
            found.set(key, (found.get(key) ?? 0) + 1);
          }
        }
        const missing = expected.filter((e) => (found.get(`${e.topic}|${e.group}`) ?? 0) < e.count);
        if (missing.length > 0) {
          throw new Error(
            `not dead-lettered yet: ${missing.map((m) => `${m.topic} by ${m.group}`).join(', ')}`,
          );
        }
      },
      { timeoutMs: 60_000, intervalMs: 2_000, description: 'every poison message dead-lettered' },
    );
  } catch (error) {
    row.problems.push((error as Error).message.slice(0, 300));
  }
  for (const e of expected) {
    const got = found.get(`${e.topic}|${e.group}`) ?? 0;
    if (got > e.count)
      row.problems.push(`${e.topic} by ${e.group}: ${got} dead letters for ${e.count}`);
  }
  context.log(
    `  poison dead-lettered: ${expected.map((e) => `${e.topic} by ${e.group} ${found.get(`${e.topic}|${e.group}`) ?? 0}/${e.count}`).join('; ')}`,
  );
  if (expected.length === 0) row.problems.push('no consumer group found reading any topic');
  return row;
}

/**
 * A report safeguarding cannot handle (its decision table refuses every insert, as a bad deploy
 * or a broken constraint would) is retried, then dead-lettered. Once the cause is fixed, the
 * operator replays it with `harbour dlq replay --offset p:o`, and its alert reaches every
 * recipient exactly once.
 */
async function replayAfterFix(context: ScenarioContext): Promise<Reconciliation> {
  const { stack, directory, settings } = context;
  const name = 'DLQ replay of a fixed message';
  const topic = topics.missingEpisode;
  const before = new Set(deadLetters(stack, topic).map((e) => `${e.partition}:${e.offset}`));
  const db = new Client({ connectionString: stack.postgres.url });
  await db.connect();
  try {
    await db.query(`CREATE OR REPLACE FUNCTION public.faults_refuse() RETURNS trigger
      LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the fault suite'; END $$`);
    await db.query(`CREATE TRIGGER faults_refuse BEFORE INSERT ON safeguarding.alert_decision
      FOR EACH ROW EXECUTE FUNCTION public.faults_refuse()`);
    const load = new MissingChildLoad({
      intakeUrl: () => stack.url('intake'),
      apiKey: directory.policeKey,
      borough: directory.borough,
      ratePerSecond: 1,
      retryForMs: settings.clientRetryMs,
    });
    load.start();
    await sleep(900);
    const events = await load.stop();
    const letter = await expectEventually(
      () => {
        const fresh = deadLetters(stack, topic).find(
          (e) => !before.has(`${e.partition}:${e.offset}`) && e.reason === 'handler-failed',
        );
        if (!fresh) throw new Error('the report is not dead-lettered yet');
        return fresh;
      },
      { timeoutMs: 60_000, intervalMs: 1_000, description: 'the refused report in the DLQ' },
    );
    context.log(
      `  dead-lettered at ${letter.partition}:${letter.offset} (${letter.reason}); fixing, replaying`,
    );
    // The fix, then the operator's replay of exactly that message.
    await db.query('DROP TRIGGER faults_refuse ON safeguarding.alert_decision');
    const replayed = stack.cli(
      'dlq',
      'replay',
      topic,
      '--offset',
      `${letter.partition}:${letter.offset}`,
    );
    context.log(`  ${replayed.trim()}`);
    return await settleAndReconcile(context, name, events);
  } finally {
    await db.query('DROP TRIGGER IF EXISTS faults_refuse ON safeguarding.alert_decision');
    await db.end();
  }
}

export const poisonScenario: Scenario = {
  name: 'Poison message on every topic',
  run: poisonEveryTopic,
};

export const replayScenario: Scenario = {
  name: 'DLQ replay of a fixed message',
  run: replayAfterFix,
};
