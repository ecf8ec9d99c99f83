/**
 * @harbour/contracts — the event and REST contracts every service shares.
 *
 * Types, validators and the catalog are generated from `contracts/` (JSON Schema + AsyncAPI);
 * this file only adds the small, typed API around them. Plain TypeScript: no framework, no I/O.
 */
import {
  eventCatalog,
  restBodyCatalog,
  type EventType,
  type RestBodyName,
  type Topic,
} from './generated/catalog';
import type { EventPayloads, RestBodies } from './generated/types';
import {
  eventValidators,
  restBodyValidators,
  type CompiledValidator,
} from './generated/validators';
import { toValidationIssues, type ValidationResult } from './validation-issues';

export type * from './generated/types';
export * from './generated/catalog';
export type { ValidationIssue, ValidationResult } from './validation-issues';

function run<T>(validator: CompiledValidator, data: unknown): ValidationResult<T> {
  if (validator(data)) return { ok: true, value: data as T };
  return { ok: false, issues: toValidationIssues(validator.errors ?? []) };
}

/**
 * Validates an event payload against its schema. Producers call it before publishing, consumers
 * before acting. A type that is not in the catalog (e.g. a `ce_type` read off the wire) is
 * rejected with an issue at the root rather than thrown.
 */
export function validateEvent<T extends EventType>(
  type: T,
  data: unknown,
): ValidationResult<EventPayloads[T]>;
export function validateEvent(type: string, data: unknown): ValidationResult;
export function validateEvent(type: string, data: unknown): ValidationResult {
  if (!isEventType(type)) {
    return { ok: false, issues: [{ pointer: '', message: `unknown event type ${type}` }] };
  }
  return run(eventValidators[type], data);
}

/** Validates a REST request body; every issue points at the offending field. */
export function validateRestBody<N extends RestBodyName>(
  name: N,
  body: unknown,
): ValidationResult<RestBodies[N]> {
  return run<RestBodies[N]>(restBodyValidators[name], body);
}

export function isEventType(candidate: string): candidate is EventType {
  return Object.hasOwn(eventCatalog, candidate);
}

export function isRestBodyName(candidate: string): candidate is RestBodyName {
  return Object.hasOwn(restBodyCatalog, candidate);
}

/** The Kafka topic an event type travels on. */
export function topicFor(type: EventType): Topic {
  return eventCatalog[type].topic;
}

/** The dead-letter topic of a topic. */
export function deadLetterTopicFor(topic: Topic): `${Topic}.dlq` {
  return `${topic}.dlq`;
}

/**
 * The Kafka key (and CloudEvents subject) of an event: its aggregate id, so one aggregate's
 * events stay in order on one partition.
 */
export function aggregateIdOf<T extends EventType>(type: T, payload: EventPayloads[T]): string {
  const key: unknown = (payload as unknown as Record<string, unknown>)[
    eventCatalog[type].keyProperty
  ];
  if (typeof key !== 'string') {
    throw new TypeError(`${type} payload has no ${eventCatalog[type].keyProperty}`);
  }
  return key;
}

/**
 * JSON pointers of the fields a schema flags as personal data (`x-personal-data`); `*` stands
 * for any array item. A flagged object covers everything inside it. Used to redact logs and
 * recipients below the personal disclosure level.
 */
export function personalDataPaths(name: EventType | RestBodyName): readonly string[] {
  return isEventType(name)
    ? eventCatalog[name].personalDataPaths
    : restBodyCatalog[name].personalDataPaths;
}
