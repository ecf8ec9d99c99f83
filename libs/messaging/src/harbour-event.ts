import { randomUUID } from 'node:crypto';

/** A CloudEvents 1.0 event as Harbour carries it: JSON data, every attribute required but `subject`. */
export interface HarbourEvent<T = unknown> {
  id: string;
  source: string;
  type: string;
  specversion: '1.0';
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  data: T;
}

export interface CreateEventInput<T> {
  type: string;
  source: string;
  data: T;
  subject?: string;
  /** Defaults to a random UUID. */
  id?: string;
  /** RFC 3339; defaults to now. */
  time?: string;
}

export function createEvent<T>(input: CreateEventInput<T>): HarbourEvent<T> {
  const event: HarbourEvent<T> = {
    id: input.id ?? randomUUID(),
    source: input.source,
    type: input.type,
    specversion: '1.0',
    time: input.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    data: input.data,
  };
  if (input.subject !== undefined) event.subject = input.subject;
  return event;
}
