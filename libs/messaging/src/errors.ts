import { formatIssues, type ValidationIssue } from './event-validator';

/** A Kafka message that is not a Harbour CloudEvent (missing `ce_*` header or non-JSON value). */
export class InvalidEnvelopeError extends Error {
  override readonly name = 'InvalidEnvelopeError';
}

/** An event payload that its schema rejects; `issues` hold pointers and messages, never values. */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';

  constructor(
    readonly eventType: string,
    readonly issues: ValidationIssue[],
  ) {
    super(`Invalid ${eventType} payload: ${formatIssues(issues)}`);
  }
}
