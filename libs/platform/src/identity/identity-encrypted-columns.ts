import type { DataReencryptionOptions, EncryptedColumn } from '../crypto/reencryption';
import { schemaOf } from '../database/schema-of';
import { IDENTITY_SCHEMA } from './identity-data-source';
import { PERSON_EMAIL_CONTEXT } from './people-store';

/**
 * Every column of the identity store that holds `FieldCipher` tokens (under the identity data
 * key), with the context it is encrypted under: what the re-encryption after a rotation of
 * `IDENTITY_DATA_KEY` walks. A migration that adds an `*_encrypted` column adds it here too
 * (identity-encrypted-columns.int-spec.ts fails until it does).
 */
export const IDENTITY_ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'person', idColumn: 'id', column: 'email_encrypted', context: PERSON_EMAIL_CONTEXT },
];

/**
 * The options of a re-encryption of the identity store's columns under `cipher`'s current key,
 * on the identity DataSource's own schema. The console hands them to
 * `DataReencryption.startIfKeysRetired` (a background job while retired identity keys are
 * configured); `harbour person reencrypt` runs one pass in the foreground.
 */
export function identityReencryptionOptions(
  options: Omit<DataReencryptionOptions, 'schema' | 'columns'>,
): DataReencryptionOptions {
  return {
    ...options,
    schema: schemaOf(options.dataSource) ?? IDENTITY_SCHEMA,
    columns: IDENTITY_ENCRYPTED_COLUMNS,
  };
}
