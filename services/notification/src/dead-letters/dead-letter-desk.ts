import {
  type DlqEntry,
  dlqTopicOf,
  type KafkaClient,
  readDlq,
  replayDlq,
} from '@harbour/messaging';
import {
  type AuditActor,
  type AuditEntry,
  type AuditLog,
  auditActorOf,
  NotFoundProblem,
  type Principal,
  ValidationProblem,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';

/** The audited action of a replay, and the kind of resource each replayed message is. */
export const REPLAY_ACTION = 'dead_letter.replayed';
export const DEAD_LETTER_RESOURCE = 'dead_letter';
/** The most dead letters one answer lists (the newest), and one replay may name. */
export const MAX_LISTED = 200;
export const MAX_REPLAY = 50;

const POSITION = /^(\d{1,6}):(\d{1,19})$/;

/** A dead letter as the coordinator sees it: where, what type, why; never the event's body. */
export interface DeadLetterView {
  /** `<partition>:<offset>` in the dead-letter topic: what a replay names. */
  position: string;
  partition: number;
  offset: string;
  eventId: string | null;
  eventType: string | null;
  eventSource: string | null;
  reason: string;
  error: string;
  consumer: string | null;
  sourcePartition: number | null;
  sourceOffset: string | null;
  failedAt: string | null;
  /** Earlier replays of this message, from the audit chain: when, and who (ids only). */
  replays: { at: string; actor: AuditEntry['actor'] }[];
}

export interface DeadLetterListView {
  topic: string;
  /** How many the dead-letter topic holds; the newest `MAX_LISTED` are listed. */
  total: number;
  deadLetters: DeadLetterView[];
}

export interface DeadLetterTopicsView {
  topics: { topic: string; deadLetters: number }[];
}

export interface ReplayView {
  topic: string;
  replayed: string[];
}

/** The audit resource id of one dead letter: `<dlq topic>-<partition>-<offset>` (filterable). */
export function deadLetterResourceId(topic: string, partition: number, offset: string): string {
  return `${dlqTopicOf(topic)}-${partition}-${offset}`;
}

/**
 * The coordinator's dead letters: counts per topic, a topic's dead letters (headers only: the
 * body holds personal data and is never read out), and replays of chosen ones, each replayed
 * message recorded in notification's audit chain in the transaction that commits only once the
 * broker has taken them back.
 */
export class DeadLetterDesk {
  constructor(
    private readonly options: {
      kafka: KafkaClient;
      dataSource: DataSource;
      audit: AuditLog;
      /** The source topics whose `<topic>.dlq` may be read (the event catalogue's). */
      topics: readonly string[];
      timeoutMs?: number;
    },
  ) {}

  /** Each known topic and how many messages its dead-letter topic holds (0 if it has none yet). */
  async topics(): Promise<DeadLetterTopicsView> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const topics = [];
      for (const topic of this.options.topics) {
        const dlq = dlqTopicOf(topic);
        let deadLetters = 0;
        if (existing.has(dlq)) {
          for (const p of await admin.fetchTopicOffsets(dlq)) {
            deadLetters += Number(BigInt(p.high) - BigInt(p.low));
          }
        }
        topics.push({ topic, deadLetters });
      }
      return { topics };
    } finally {
      await admin.disconnect();
    }
  }

  /** A topic's dead letters, newest first (by when they failed), at most `MAX_LISTED`. */
  async list(topic: string): Promise<DeadLetterListView> {
    const source = this.known(topic);
    const entries = await this.read(source);
    const replays = await this.replaysOf(source);
    const newest = [...entries]
      .sort(
        (a, b) =>
          (b.failedAt ?? '').localeCompare(a.failedAt ?? '') ||
          b.partition - a.partition ||
          Number(BigInt(b.offset) - BigInt(a.offset)),
      )
      .slice(0, MAX_LISTED);
    return {
      topic: source,
      total: entries.length,
      deadLetters: newest.map((entry) => ({
        position: `${entry.partition}:${entry.offset}`,
        partition: entry.partition,
        offset: entry.offset,
        eventId: entry.eventId,
        eventType: entry.eventType,
        eventSource: entry.eventSource,
        reason: entry.reason,
        error: entry.error,
        consumer: entry.consumer,
        sourcePartition: entry.sourcePartition,
        sourceOffset: entry.sourceOffset,
        failedAt: entry.failedAt,
        replays: replays.get(deadLetterResourceId(source, entry.partition, entry.offset)) ?? [],
      })),
    };
  }

  /**
   * Republishes the dead letters at `body.positions` to their source topic. Every position must
   * be in the dead-letter topic (else 400, nothing replayed). One audit entry per message, who
   * and which (ids, type and reason: no body), committed only after the broker acknowledged.
   */
  async replay(topic: string, body: unknown, principal: Principal): Promise<ReplayView> {
    return this.replayAudited(topic, readPositions(body), {
      actor: auditActorOf(principal),
      reason: 'POST /v1/dead-letters/:topic/replays',
    });
  }

  /**
   * Republishes the dead letters at the `named` positions (`'all'`: every one the topic holds) with one
   * audit entry each, by `by.actor` for `by.reason` — the console's replays and the command
   * line's alike. Every position must exist (else 400, nothing replayed).
   */
  async replayAudited(
    topic: string,
    named: readonly string[] | 'all',
    by: { actor: AuditActor; reason: string },
  ): Promise<ReplayView> {
    const source = this.known(topic);
    const entries = await this.read(source);
    const positions = named === 'all' ? entries.map((e) => `${e.partition}:${e.offset}`) : named;
    const byPosition = new Map<string, DlqEntry>(
      entries.map((e) => [`${e.partition}:${e.offset}`, e]),
    );
    const missing = positions.filter((p) => !byPosition.has(p));
    if (missing.length > 0) {
      throw new ValidationProblem(
        missing.map((p) => ({
          pointer: `/positions/${positions.indexOf(p)}`,
          message: `no dead letter at ${p} on ${dlqTopicOf(source)}`,
        })),
      );
    }
    const chosen = positions.map((p) => byPosition.get(p) as DlqEntry);
    if (chosen.length === 0) return { topic: source, replayed: [] };
    await this.options.dataSource.transaction(async (manager) => {
      for (const entry of chosen) {
        await this.options.audit.append(manager, {
          actor: by.actor,
          action: REPLAY_ACTION,
          resource: {
            kind: DEAD_LETTER_RESOURCE,
            id: deadLetterResourceId(source, entry.partition, entry.offset),
          },
          reason: by.reason,
          details: {
            topic: source,
            position: `${entry.partition}:${entry.offset}`,
            eventId: entry.eventId,
            eventType: entry.eventType,
            dlqReason: entry.reason,
          },
        });
      }
      // Inside the transaction: if the broker refuses, no replay is recorded.
      const replayed = await replayDlq(this.options.kafka, dlqTopicOf(source), {
        offsets: chosen.map((e) => ({ partition: e.partition, offset: e.offset })),
        ...this.timeout(),
      });
      if (replayed !== chosen.length) {
        throw new Error(`replayed ${replayed} of ${chosen.length} dead letters`);
      }
    });
    return { topic: source, replayed: [...positions] };
  }

  private known(topic: string): string {
    if (!this.options.topics.includes(topic)) {
      throw new NotFoundProblem('No such topic: give a source topic of the event catalogue.');
    }
    return topic;
  }

  private read(source: string): Promise<DlqEntry[]> {
    return readDlq(this.options.kafka, dlqTopicOf(source), this.timeout());
  }

  private timeout(): { timeoutMs?: number } {
    return this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs };
  }

  /** Earlier replays of the topic's dead letters, by resource id, oldest first. */
  private async replaysOf(
    source: string,
  ): Promise<Map<string, { at: string; actor: AuditEntry['actor'] }[]>> {
    const prefix = `${dlqTopicOf(source)}-`;
    const replays = new Map<string, { at: string; actor: AuditEntry['actor'] }[]>();
    for await (const entry of this.options.audit.entries({
      action: REPLAY_ACTION,
      resourceKind: DEAD_LETTER_RESOURCE,
    })) {
      if (!entry.resource.id.startsWith(prefix)) continue;
      const list = replays.get(entry.resource.id) ?? [];
      list.push({ at: entry.at.toISOString(), actor: entry.actor });
      replays.set(entry.resource.id, list);
    }
    return replays;
  }
}

/** `{ "positions": ["<partition>:<offset>", ...] }`: 1 to 50 distinct positions. */
function readPositions(body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationProblem([{ pointer: '', message: 'must be a JSON object' }]);
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => key !== 'positions');
  if (unknown.length > 0) {
    throw new ValidationProblem(
      unknown.map((key) => ({ pointer: `/${key}`, message: 'is not a known property' })),
    );
  }
  const positions = fields['positions'];
  if (!Array.isArray(positions) || positions.length === 0 || positions.length > MAX_REPLAY) {
    throw new ValidationProblem([
      {
        pointer: '/positions',
        message: `must be a list of 1 to ${MAX_REPLAY} positions such as "0:12"`,
      },
    ]);
  }
  const issues = positions.flatMap((p: unknown, index) =>
    typeof p === 'string' && POSITION.test(p)
      ? []
      : [
          {
            pointer: `/positions/${index}`,
            message: 'must be "<partition>:<offset>", e.g. "0:12"',
          },
        ],
  );
  if (issues.length > 0) throw new ValidationProblem(issues);
  const texts = positions as string[];
  if (new Set(texts).size !== texts.length) {
    throw new ValidationProblem([{ pointer: '/positions', message: 'names a position twice' }]);
  }
  return texts;
}
