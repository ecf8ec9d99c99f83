import type { AlertRequested } from '@harbour/contracts';
import type { ValidationIssue } from '@harbour/platform';

/** What an alert can be about (`harbour.alert.requested` → `cause.kind`). */
export type CauseKind = AlertRequested['cause']['kind'];

export const CAUSE_KINDS: readonly CauseKind[] = [
  'operation',
  'missing_episode',
  'referral',
  'bed_request',
];

/** A cause as a URL names it: `/v1/causes/{kind}/{id}`. */
export interface CauseRef {
  kind: CauseKind;
  /** Lower case. */
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The path's cause, or every problem with it (both parameters are checked). */
export function readCauseRef(
  kind: string,
  id: string,
): { ok: true; cause: CauseRef } | { ok: false; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const knownKind = CAUSE_KINDS.find((candidate) => candidate === kind);
  if (knownKind === undefined) {
    issues.push({ pointer: 'path:kind', message: `must be one of ${CAUSE_KINDS.join(', ')}` });
  }
  if (!UUID.test(id)) issues.push({ pointer: 'path:id', message: 'must be a UUID' });
  if (knownKind === undefined || issues.length > 0) return { ok: false, issues };
  return { ok: true, cause: { kind: knownKind, id: id.toLowerCase() } };
}
