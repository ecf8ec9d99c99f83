/**
 * One column of `FieldCipher` tokens in notification's schema: its table, primary key, and the
 * authenticated-data context it is encrypted with (a token copied into another column does not
 * decrypt there). The shape of `EncryptedColumn` in `@harbour/platform`'s re-encryption.
 */
export interface NotificationEncryptedColumn {
  readonly table: string;
  readonly idColumn: string;
  readonly column: string;
  readonly context: string;
}

/** A webhook contact's current signing secret (`whsec_…`): decrypted to sign every request. */
export const WEBHOOK_SECRET_COLUMN = {
  table: 'contact',
  idColumn: 'id',
  column: 'secret_encrypted',
  context: 'contact.secret',
} as const satisfies NotificationEncryptedColumn;

/** The secret a rotation replaced, still signing beside the new one until its overlap ends. */
export const PREVIOUS_WEBHOOK_SECRET_COLUMN = {
  table: 'contact',
  idColumn: 'id',
  column: 'previous_secret_encrypted',
  context: 'contact.previous_secret',
} as const satisfies NotificationEncryptedColumn;

/**
 * A partner's free-text answer to an alert ("2 caseworkers, Albanian interpreter, 3 female
 * beds"): victim-support data that may name people.
 */
export const ACKNOWLEDGEMENT_RESPONSE_COLUMN = {
  table: 'acknowledgement',
  idColumn: 'id',
  column: 'response_encrypted',
  context: 'acknowledgement.response',
} as const satisfies NotificationEncryptedColumn;

/**
 * Every encrypted column of the notification service, for background re-encryption after a
 * key rotation. A new encrypted column is added here, or the re-encryption never reaches it.
 */
export const NOTIFICATION_ENCRYPTED_COLUMNS: readonly NotificationEncryptedColumn[] = [
  WEBHOOK_SECRET_COLUMN,
  PREVIOUS_WEBHOOK_SECRET_COLUMN,
  ACKNOWLEDGEMENT_RESPONSE_COLUMN,
];
