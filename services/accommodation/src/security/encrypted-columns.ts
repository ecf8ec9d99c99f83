import type { EncryptedColumn } from '@harbour/platform';
import { BED_REQUEST_PERSON } from '../requests/bed-request-store';

/** The context of the encrypted stored replies (`encryptedResponseColumn` in the runtime). */
export const IDEMPOTENCY_RESPONSE_CONTEXT = 'idempotency_record.response';

/**
 * Every column of accommodation's schema that holds `FieldCipher` tokens, with the context it is
 * encrypted under: what the re-encryption after a key rotation walks. A migration that adds an
 * `*_encrypted` column adds it here too (encrypted-columns.int-spec.ts fails until it does).
 */
export const ACCOMMODATION_ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'bed_request', idColumn: 'id', column: 'person_encrypted', context: BED_REQUEST_PERSON },
  {
    table: 'idempotency_record',
    idColumn: ['organisation_id', 'idempotency_key'],
    column: 'response_encrypted',
    context: IDEMPOTENCY_RESPONSE_CONTEXT,
  },
];
