import { InvalidEnvelopeError } from './errors';
import type { HarbourEvent } from './harbour-event';

/** A header value as Kafka clients hand it over: bytes or text, sometimes repeated. */
export type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** A message as consumed (structurally what the Kafka client delivers). */
export interface IncomingKafkaMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, KafkaHeaderValue>;
}

/** A message ready to produce (structurally what the Kafka client sends). */
export interface OutgoingKafkaMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export const CE_HEADERS = {
  id: 'ce_id',
  source: 'ce_source',
  type: 'ce_type',
  specversion: 'ce_specversion',
  time: 'ce_time',
  subject: 'ce_subject',
} as const;

export const CONTENT_TYPE_HEADER = 'content-type';
export const JSON_CONTENT_TYPE = 'application/json';

/**
 * CloudEvents Kafka binding, binary mode: the value is the JSON data, attributes are `ce_*`
 * headers. `extraHeaders` carries `traceparent`/`tracestate` (and anything else that is not a
 * CloudEvents attribute); it can never override an attribute of the event.
 */
export function toKafkaMessage(
  event: HarbourEvent,
  key: string,
  extraHeaders: Record<string, string> = {},
): OutgoingKafkaMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(extraHeaders)) {
    if (!name.startsWith('ce_') && name !== CONTENT_TYPE_HEADER) headers[name] = value;
  }
  headers[CE_HEADERS.id] = event.id;
  headers[CE_HEADERS.source] = event.source;
  headers[CE_HEADERS.type] = event.type;
  headers[CE_HEADERS.specversion] = event.specversion;
  headers[CE_HEADERS.time] = event.time;
  if (event.subject !== undefined) headers[CE_HEADERS.subject] = event.subject;
  headers[CONTENT_TYPE_HEADER] = JSON_CONTENT_TYPE;
  return { key, value: JSON.stringify(event.data), headers };
}

/** First value of a header as text (Kafka allows repeats; CloudEvents attributes are single). */
export function headerText(value: KafkaHeaderValue): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** All headers as text, e.g. as an OpenTelemetry propagation carrier. */
export function headersAsText(
  headers: Record<string, KafkaHeaderValue> | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) result[name] = text;
  }
  return result;
}

function required(headers: Record<string, string>, name: string): string {
  const value = headers[name];
  if (value === undefined || value === '') throw new InvalidEnvelopeError(`missing header ${name}`);
  return value;
}

/**
 * Decodes a binary-mode CloudEvent. Error messages name the header or the problem and never
 * quote the value, so they are safe for logs and dead-letter headers.
 */
export function fromKafkaMessage(message: IncomingKafkaMessage): HarbourEvent {
  const headers = headersAsText(message.headers);
  const id = required(headers, CE_HEADERS.id);
  const source = required(headers, CE_HEADERS.source);
  const type = required(headers, CE_HEADERS.type);
  const specversion = required(headers, CE_HEADERS.specversion);
  if (specversion !== '1.0') throw new InvalidEnvelopeError('unsupported ce_specversion');
  const time = required(headers, CE_HEADERS.time);
  if (Number.isNaN(Date.parse(time))) throw new InvalidEnvelopeError('ce_time is not a timestamp');
  const contentType = headers[CONTENT_TYPE_HEADER];
  if (contentType !== undefined && !contentType.toLowerCase().startsWith(JSON_CONTENT_TYPE)) {
    throw new InvalidEnvelopeError('content-type is not application/json');
  }
  if (message.value === null || message.value.length === 0) {
    throw new InvalidEnvelopeError('value is empty');
  }
  let data: unknown;
  try {
    data = JSON.parse(message.value.toString()) as unknown;
  } catch {
    // The parser's own message quotes the input, which may hold personal data.
    throw new InvalidEnvelopeError('value is not JSON');
  }
  const event: HarbourEvent = {
    id,
    source,
    type,
    specversion: '1.0',
    time,
    datacontenttype: JSON_CONTENT_TYPE,
    data,
  };
  const subject = headers[CE_HEADERS.subject];
  if (subject !== undefined) event.subject = subject;
  return event;
}

/**
 * The event a message carries, or undefined when it is not a Harbour event at all. For readers
 * that only watch a topic (tests, tools): a consumer that acts on events uses `fromKafkaMessage`
 * and dead-letters what it cannot read. Topics are shared, so a watcher that threw on someone
 * else's malformed message would be stuck on it, retried by kafkajs for ever.
 */
export function eventOrUndefined(message: IncomingKafkaMessage): HarbourEvent | undefined {
  try {
    return fromKafkaMessage(message);
  } catch (error) {
    if (error instanceof InvalidEnvelopeError) return undefined;
    throw error;
  }
}
