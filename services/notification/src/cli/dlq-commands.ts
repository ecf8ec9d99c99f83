import { topics } from '@harbour/contracts';
import {
  type DlqEntry,
  dlqTopicOf,
  type KafkaClient,
  readDlq,
  replayDlq,
} from '@harbour/messaging';
import { parsePosition, parsePositiveInt } from './cli-arguments';
import { CliError } from './cli-error';

const KNOWN_TOPICS: readonly string[] = Object.values(topics);

/** The source topic named on the command line; its dead letters live in `<topic>.dlq`. */
export function parseSourceTopic(topic: string): string {
  const trimmed = topic.trim();
  if (trimmed.endsWith('.dlq')) {
    throw new CliError(`give the source topic, without ".dlq" (e.g. ${trimmed.slice(0, -4)})`);
  }
  if (!KNOWN_TOPICS.includes(trimmed)) {
    throw new CliError(`unknown topic "${trimmed}": use one of ${KNOWN_TOPICS.join(', ')}`);
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

/** Republishes dead letters (all, or those at the given `<partition>:<offset>` positions). */
export async function replayDeadLetters(
  kafka: KafkaClient,
  topic: string,
  positions: readonly string[] = [],
): Promise<number> {
  const source = parseSourceTopic(topic);
  const offsets = positions.map(parsePosition);
  return replayDlq(kafka, dlqTopicOf(source), offsets.length === 0 ? {} : { offsets });
}
