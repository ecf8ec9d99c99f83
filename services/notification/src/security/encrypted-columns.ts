import type { EncryptedColumn } from '@harbour/platform';

/** A webhook contact's current signing secret (`whsec_…`): decrypted to sign every request. */
export const WEBHOOK_SECRET_COLUMN = {
  table: 'contact',
  idColumn: 'id',
  column: 'secret_encrypted',
  context: 'contact.secret',
} as const satisfies EncryptedColumn;

/** The secret a rotation replaced, still signing beside the new one until its overlap ends. */
export const PREVIOUS_WEBHOOK_SECRET_COLUMN = {
  table: 'contact',
  idColumn: 'id',
  column: 'previous_secret_encrypted',
  context: 'contact.previous_secret',
} as const satisfies EncryptedColumn;

/**
 * A partner's free-text answer to an alert ("2 caseworkers, Albanian interpreter, 3 female
 * beds"): victim-support data that may name people.
 */
export const ACKNOWLEDGEMENT_RESPONSE_COLUMN = {
  table: 'acknowledgement',
  idColumn: 'id',
  column: 'response_encrypted',
  context: 'acknowledgement.response',
} as const satisfies EncryptedColumn;

/**
 * Every encrypted column of the notification service, for background re-encryption after a
 * key rotation. A migration that adds an `*_encrypted` column adds it here too
 * (encrypted-columns.int-spec.ts fails until it does).
 */
export const NOTIFICATION_ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  WEBHOOK_SECRET_COLUMN,
  PREVIOUS_WEBHOOK_SECRET_COLUMN,
  ACKNOWLEDGEMENT_RESPONSE_COLUMN,
];
