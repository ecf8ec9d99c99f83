/**
 * The audit chain's hash, recomputed in the browser (libs/platform/src/audit/audit-hash.ts):
 * SHA-256 of the previous entry's hash followed by the entry's canonical JSON (keys sorted, no
 * whitespace). What the console can check is the entries it was sent: each one's hash against
 * its contents, and each against the one before it where both are shown.
 */
import type { AuditEntry } from './desk-api';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function canonicalJson(value: Json): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as Json)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function canonicalEntry(entry: AuditEntry): string {
  return canonicalJson({
    seq: entry.seq,
    at: new Date(entry.at).toISOString(),
    actor: { ...entry.actor },
    action: entry.action,
    resource: { kind: entry.resource.kind, id: entry.resource.id },
    reason: entry.reason,
    details: entry.details as Json,
  });
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** How one entry checked out: its own hash, and its link to the entry before it if shown. */
export type EntryCheck = 'intact' | 'hash-mismatch' | 'link-broken';

/**
 * Checks the entries (newest first, as the API pages them). Null when the browser cannot hash
 * (no Web Crypto outside a secure context).
 */
export async function checkEntries(
  entries: readonly AuditEntry[],
): Promise<Map<number, EntryCheck> | null> {
  if (typeof crypto === 'undefined' || typeof crypto.subtle === 'undefined') return null;
  const bySeq = new Map(entries.map((e) => [e.seq, e] as const));
  const checks = new Map<number, EntryCheck>();
  for (const entry of entries) {
    const hash = await sha256Hex(entry.prevHash + canonicalEntry(entry));
    const previous = bySeq.get(entry.seq - 1);
    if (hash !== entry.hash) checks.set(entry.seq, 'hash-mismatch');
    else if (previous !== undefined && previous.hash !== entry.prevHash) {
      checks.set(entry.seq, 'link-broken');
    } else checks.set(entry.seq, 'intact');
  }
  return checks;
}

const LONDON_HOUR = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  hourCycle: 'h23',
});

/** The instant a London calendar day (`2026-03-29`) starts, as ISO 8601 in UTC. */
export function londonDayStart(day: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match === null) return null;
  const utcMidnight = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // London is UTC or one hour ahead: at UTC midnight it reads 00 or 01.
  const hour = Number(LONDON_HOUR.format(new Date(utcMidnight)));
  return new Date(utcMidnight - hour * 3_600_000).toISOString();
}

/** The instant the London day after `day` starts: the exclusive end of `day`. */
export function londonDayEnd(day: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match === null) return null;
  const next = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1));
  return londonDayStart(next.toISOString().slice(0, 10));
}
