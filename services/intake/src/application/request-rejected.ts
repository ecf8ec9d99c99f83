import type { FieldIssue, Ruling } from '../domain/field-issue';

/** Why a command was refused; each maps to one HTTP problem (see `problemOf` in http/command-http.ts). */
export type Rejection =
  | { kind: 'invalid'; issues: FieldIssue[] }
  | { kind: 'forbidden'; message: string }
  | { kind: 'not_found'; message: string }
  | { kind: 'conflict'; message: string }
  | { kind: 'unprocessable'; message: string }
  | { kind: 'idempotency_key_reused' };

/**
 * Thrown inside a command's transaction, so everything it wrote (state, outbox row, the
 * idempotency claim) is rolled back: a refused request leaves no trace.
 */
export class RequestRejected extends Error {
  constructor(readonly rejection: Rejection) {
    super(`request rejected: ${rejection.kind}`);
    this.name = 'RequestRejected';
  }
}

/** The change a domain rule accepted; its refusal (400 or 409) rolls the command back. */
export function acceptedChange<T>(ruling: Ruling<T>): T {
  switch (ruling.kind) {
    case 'invalid':
      throw new RequestRejected({ kind: 'invalid', issues: ruling.issues });
    case 'conflict':
      throw new RequestRejected({ kind: 'conflict', message: ruling.reason });
    case 'accepted':
      return ruling.change;
  }
}
