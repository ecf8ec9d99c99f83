import { type EventPayloads, type EventType, topicFor } from '@harbour/contracts';
import type { OutboxEntry } from '@harbour/messaging';

/**
 * The outbox entry of an event about one episode or referral: keyed and subjected by its id, so
 * that aggregate's events stay in order, and its data typed by the event's contract.
 */
export function intakeEvent<T extends EventType>(
  type: T,
  aggregateId: string,
  data: EventPayloads[T],
): OutboxEntry<EventPayloads[T]> {
  return { topic: topicFor(type), key: aggregateId, type, subject: aggregateId, data };
}
