import type { AuditActor, AuditDetails, AuditEntry, AuditResource } from '../audit-entry';

/** An entry as the API and the export show it: the stored fields, the time as ISO 8601. */
export interface AuditEntryView {
  seq: number;
  at: string;
  actor: AuditActor;
  action: string;
  resource: AuditResource;
  reason: string;
  details: AuditDetails;
  prevHash: string;
  hash: string;
}

export function auditEntryView(entry: AuditEntry): AuditEntryView {
  return {
    seq: entry.seq,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    resource: entry.resource,
    reason: entry.reason,
    details: entry.details,
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}
