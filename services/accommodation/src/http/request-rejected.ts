import type { FieldIssue } from '../domain/property';

/** Why a command was refused; each maps to one HTTP problem (see `problemOf` in command-http.ts). */
export type Rejection =
  | { kind: 'invalid'; issues: FieldIssue[] }
  | { kind: 'not_found'; message: string }
  | { kind: 'conflict'; message: string }
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
