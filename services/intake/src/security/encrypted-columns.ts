import type { EncryptedColumn } from '@harbour/platform';
import { BED_REQUEST_PERSON } from '../bed-requests/bed-request-repository';
import {
  OPERATION_CANCELLATION_REASON,
  OPERATION_OPERATIONAL,
  OPERATION_RESTRICTED_NOTES,
} from '../operations/operation-repository';
import { REFERRAL_PERSONAL } from '../referrals/referral-repository';

/**
 * Every column of intake's schema that holds `FieldCipher` tokens, with the context it is
 * encrypted under: what the re-encryption after a key rotation walks. A migration that adds an
 * `*_encrypted` column adds it here too (encrypted-columns.int-spec.ts fails until it does).
 */
export const INTAKE_ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  {
    table: 'missing_episode',
    idColumn: 'id',
    column: 'personal_encrypted',
    // The repository's own constant is module-private; the int-spec checks the naming rule.
    context: 'missing_episode.personal',
  },
  {
    table: 'missing_episode_entry',
    idColumn: 'id',
    column: 'personal_encrypted',
    context: 'missing_episode_entry.personal',
  },
  { table: 'referral', idColumn: 'id', column: 'personal_encrypted', context: REFERRAL_PERSONAL },
  {
    table: 'operation',
    idColumn: 'id',
    column: 'operational_encrypted',
    context: OPERATION_OPERATIONAL,
  },
  {
    table: 'operation',
    idColumn: 'id',
    column: 'cancellation_reason_encrypted',
    context: OPERATION_CANCELLATION_REASON,
  },
  {
    table: 'operation_outcome',
    idColumn: 'operation_id',
    column: 'restricted_notes_encrypted',
    context: OPERATION_RESTRICTED_NOTES,
  },
  { table: 'bed_request', idColumn: 'id', column: 'person_encrypted', context: BED_REQUEST_PERSON },
];
