import { topics } from '@harbour/contracts';
import { type DlqEntry, dlqTopicOf, type KafkaClient, readDlq } from '@harbour/messaging';
import { type AuditLog, ValidationProblem } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { DeadLetterDesk } from '../dead-letters/dead-letter-desk';
import { cliAudit } from './cli-context';
import { parsePosition, parsePositiveInt } from './cli-arguments';
import { CliError } from './cli-error';

const KNOWN_TOPICS: readonly string[] = Object.values(topics);

/** The source topic named on the command line; its dead letters live in `<topic>.dlq`. */
export function parseSourceTopic(topic: string, known: readonly string[] = KNOWN_TOPICS): string {
  const trimmed = topic.trim();
  if (trimmed.endsWith('.dlq')) {
    throw new CliError(`give the source topic, without ".dlq" (e.g. ${trimmed.slice(0, -4)})`);
  }
  if (!known.includes(trimmed)) {
    throw new CliError(`unknown topic "${trimmed}": use one of ${known.join(', ')}`);
  }
  return trimmed;
}

export async function listDeadLetters(
  kafka: KafkaClient,
  topic: string,
  options: { limit?: string } = {},
): Promise<DlqEntry[]> {
  const source = parseSourceTopic(topic);
  const limit =
    options.limit === undefined ? undefined : parsePositiveInt(options.limit, '--limit');
  return readDlq(kafka, dlqTopicOf(source), limit === undefined ? {} : { limit });
}

/**
 * Republishes dead letters (all, or those at the given `<partition>:<offset>` positions), each
 * recorded in notification's audit chain as replayed by the command line, as the console's are.
 */
export async function replayDeadLetters(
  kafka: KafkaClient,
  store: { dataSource: DataSource; audit: AuditLog },
  topic: string,
  positions: readonly string[] = [],
  /** The topics whose dead letters may be replayed: the event catalogue's. */
  known: readonly string[] = KNOWN_TOPICS,
): Promise<number> {
  const source = parseSourceTopic(topic, known);
  const chosen = positions.map(parsePosition).map((p) => `${p.partition}:${p.offset}`);
  const desk = new DeadLetterDesk({ kafka, ...store, topics: known });
  try {
    const { replayed } = await desk.replayAudited(
      source,
      chosen.length === 0 ? 'all' : chosen,
      cliAudit(`dlq replay ${source}`),
    );
    return replayed.length;
  } catch (error) {
    if (error instanceof ValidationProblem) {
      throw new CliError(error.issues.map((issue) => issue.message).join('; '));
    }
    throw error;
  }
}
