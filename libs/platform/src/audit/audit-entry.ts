import type { Principal } from '../identity/principal';
import type { JsonValue } from './canonical-json';

/**
 * What is audited. Disclosures are deliveries sent above `notice`; reads of personal data are
 * API answers that carried it (which fields, never their values); directory and identity
 * changes are recorded where they are made (the notification directory, the identity store);
 * a dead letter replayed from the console is recorded in notification's chain.
 */
export const AUDIT_ACTIONS = [
  'disclosure.operational',
  'disclosure.personal',
  'acknowledgement',
  'personal_data.read',
  'key.issued',
  'key.revoked',
  'key.rotated',
  'identity.organisation.added',
  'person.added',
  'person.removed',
  'person.signed_in',
  'person.signed_out',
  'directory.organisation.added',
  'directory.contact.added',
  'directory.webhook.added',
  'directory.webhook.secret.rotated',
  'directory.import',
  'retention.purge',
  'dead_letter.replayed',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(value);
}

/**
 * Who did it: a partner system through its API key, a person signed in to the console (by
 * person and session id, never an e-mail address), a recipient through the signed link of a
 * delivery (the delivery says which contact, so no address is stored), or Harbour itself (a
 * service applying its rules, or an administrator at the command line).
 */
export type AuditActor =
  | { type: 'api_key'; organisationId: string; organisationKind: string; keyId: string }
  | { type: 'link'; organisationId: string; organisationKind: string; deliveryId: string }
  | {
      type: 'person';
      organisationId: string;
      organisationKind: string;
      personId: string;
      sessionId: string;
    }
  | { type: 'system'; component: string };

/** The actor behind an authenticated request. */
export function auditActorOf(principal: Principal): AuditActor {
  if (principal.personId !== undefined) {
    return {
      type: 'person',
      organisationId: principal.organisationId,
      organisationKind: principal.organisationKind,
      personId: principal.personId,
      sessionId: principal.keyId,
    };
  }
  return {
    type: 'api_key',
    organisationId: principal.organisationId,
    organisationKind: principal.organisationKind,
    keyId: principal.keyId,
  };
}

/** Harbour itself: `component` is the service or tool (`notification`, `cli`). */
export function systemActor(component: string): AuditActor {
  return { type: 'system', component };
}

export interface AuditResource {
  /** e.g. `alert`, `api_key`, `organisation`, `contact`, `directory`. */
  kind: string;
  id: string;
}

/**
 * Ids, kinds and counts only: never a name, an address or free text from a partner. Values
 * must survive a `jsonb` round trip unchanged (strings, safe integers, booleans, null, arrays).
 */
export type AuditDetails = Readonly<Record<string, JsonValue>>;

export interface NewAuditEntry {
  actor: AuditActor;
  action: AuditAction;
  resource: AuditResource;
  /** Why: the routing rule that matched, or what was asked for (`harbour key revoke`). */
  reason: string;
  details?: AuditDetails;
}

/** An entry as stored: its place in the chain, when, and the hashes that link it. */
export interface AuditEntry {
  seq: number;
  at: Date;
  actor: AuditActor;
  action: string;
  resource: AuditResource;
  reason: string;
  details: AuditDetails;
  prevHash: string;
  hash: string;
}
