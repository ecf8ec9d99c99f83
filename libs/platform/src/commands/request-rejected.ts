import type { ValidationIssue } from '../problems/problem-exceptions';

/** Why a command was refused; each maps to one HTTP problem (see `problemOf` in command-http.ts). */
export type Rejection =
  | { kind: 'invalid'; issues: ValidationIssue[] }
  | { kind: 'forbidden'; message: string }
  | { kind: 'not_found'; message: string }
  | { kind: 'conflict'; message: string }
  | { kind: 'unprocessable'; message: string }
  | { kind: 'idempotency_key_reused' };

/**
 * Thrown inside a command's transaction, so everything it wrote (state, outbox rows, the
 * idempotency claim) is rolled back: a refused request leaves no trace.
 */
export class RequestRejected extends Error {
  constructor(readonly rejection: Rejection) {
    super(`request rejected: ${rejection.kind}`);
    this.name = 'RequestRejected';
  }
}
