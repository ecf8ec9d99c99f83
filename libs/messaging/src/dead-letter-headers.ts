import type { KafkaHeaderValue } from './cloudevents-codec';

/** Why a message was dead-lettered. */
export type DlqReason = 'invalid-envelope' | 'invalid-payload' | 'handler-failed';

export const DLQ_HEADERS = {
  reason: 'harbour-dlq-reason',
  error: 'harbour-dlq-error',
  sourceTopic: 'harbour-dlq-source-topic',
  sourcePartition: 'harbour-dlq-source-partition',
  sourceOffset: 'harbour-dlq-source-offset',
  consumer: 'harbour-dlq-consumer',
  failedAt: 'harbour-dlq-failed-at',
} as const;

const DLQ_PREFIX = 'harbour-dlq-';
const MAX_ERROR_LENGTH = 500;

export interface DeadLetterContext {
  reason: DlqReason;
  /** Short, payload-free: error name/message or validation pointers and messages. */
  error: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  consumer: string;
  failedAt: Date;
}

/** The original headers without any earlier dead-letter annotations. */
export function withoutDlqHeaders(
  headers: Record<string, KafkaHeaderValue> | undefined,
): Record<string, Buffer | string | (Buffer | string)[]> {
  const kept: Record<string, Buffer | string | (Buffer | string)[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && !name.startsWith(DLQ_PREFIX)) kept[name] = value;
  }
  return kept;
}

/** The original headers (CloudEvents attributes, trace context) plus the dead-letter annotations. */
export function deadLetterHeaders(
  original: Record<string, KafkaHeaderValue> | undefined,
  context: DeadLetterContext,
): Record<string, Buffer | string | (Buffer | string)[]> {
  const error =
    context.error.length > MAX_ERROR_LENGTH
      ? `${context.error.slice(0, MAX_ERROR_LENGTH - 1)}…`
      : context.error;
  return {
    ...withoutDlqHeaders(original),
    [DLQ_HEADERS.reason]: context.reason,
    [DLQ_HEADERS.error]: error,
    [DLQ_HEADERS.sourceTopic]: context.sourceTopic,
    [DLQ_HEADERS.sourcePartition]: String(context.sourcePartition),
    [DLQ_HEADERS.sourceOffset]: context.sourceOffset,
    [DLQ_HEADERS.consumer]: context.consumer,
    [DLQ_HEADERS.failedAt]: context.failedAt.toISOString(),
  };
}
