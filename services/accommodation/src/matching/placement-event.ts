import { type EventPayloads, type EventType, topicFor } from '@harbour/contracts';
import type { OutboxEntry } from '@harbour/messaging';

/** The placement-topic events accommodation emits; all of a request's events keyed by its id. */
export type PlacementEventType =
  | 'harbour.bed.offered'
  | 'harbour.bed.offer-expired'
  | 'harbour.placement.confirmed'
  | 'harbour.bed-request.unmatched';

export const PLACEMENT_TOPIC = topicFor('harbour.placement.confirmed');

/** The outbox entry of a placement-topic event about one request: keyed and subjected by its id. */
export function placementEvent<T extends PlacementEventType & EventType>(
  type: T,
  requestId: string,
  data: EventPayloads[T],
): OutboxEntry<EventPayloads[T]> {
  return { topic: topicFor(type), key: requestId, type, subject: requestId, data };
}
