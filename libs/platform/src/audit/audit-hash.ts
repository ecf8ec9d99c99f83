import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit-entry';
import { canonicalJson, type JsonValue } from './canonical-json';

/** The `prev_hash` of the first entry of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an entry's hash covers: everything but the hashes themselves. */
export type HashedAuditFields = Omit<AuditEntry, 'prevHash' | 'hash'>;

/** The canonical text of an entry (the time as ISO 8601 in UTC, to the millisecond). */
export function canonicalAuditEntry(entry: HashedAuditFields): string {
  if (!Number.isSafeInteger(entry.seq) || entry.seq < 1) {
    throw new Error(`audit seq ${entry.seq} is not a positive integer`);
  }
  const value: JsonValue = {
    seq: entry.seq,
    at: entry.at.toISOString(),
    actor: { ...entry.actor },
    action: entry.action,
    resource: { kind: entry.resource.kind, id: entry.resource.id },
    reason: entry.reason,
    details: entry.details,
  };
  return canonicalJson(value);
}

/** SHA-256 (hex) of the previous entry's hash followed by this entry's canonical text. */
export function auditHash(prevHash: string, entry: HashedAuditFields): string {
  return createHash('sha256')
    .update(prevHash, 'utf8')
    .update(canonicalAuditEntry(entry), 'utf8')
    .digest('hex');
}

/** Why an entry does not belong where it is. */
export type ChainBreak = 'gap' | 'prev-hash' | 'hash';

/**
 * Checks one entry against the one before it (`previous` null for the first): its seq follows
 * on, it names the previous hash, and its own hash matches its contents. Null when it holds.
 */
export function chainBreakOf(
  entry: AuditEntry,
  previous: Pick<AuditEntry, 'seq' | 'hash'> | null,
): ChainBreak | null {
  if (entry.seq !== (previous?.seq ?? 0) + 1) return 'gap';
  if (entry.prevHash !== (previous?.hash ?? GENESIS_HASH)) return 'prev-hash';
  return auditHash(entry.prevHash, entry) === entry.hash ? null : 'hash';
}
