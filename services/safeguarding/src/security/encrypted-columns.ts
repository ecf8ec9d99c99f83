import type { EncryptedColumn } from '@harbour/platform';
import { EPISODE_PERSONAL_CONTEXT } from '../missing-episodes/missing-episode-handler';
import { OPERATIONAL_CONTEXT } from '../operations/operation-handler';
import { REFERRAL_PERSONAL_CONTEXT } from '../referrals/referral-handler';

/**
 * Every column of safeguarding's schema that holds `FieldCipher` tokens, with the context it is
 * encrypted under: what the re-encryption after a key rotation walks. A migration that adds an
 * `*_encrypted` column adds it here too (encrypted-columns.int-spec.ts fails until it does).
 * The blind indexes (`person_key`, `known_victim_location`, `known_victim_check`) are not here:
 * they are HMACs under DATA_INDEX_KEY, which does not rotate.
 */
export const SAFEGUARDING_ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  {
    table: 'referral_case',
    idColumn: 'referral_id',
    column: 'personal_encrypted',
    context: REFERRAL_PERSONAL_CONTEXT,
  },
  {
    table: 'missing_episode',
    idColumn: 'episode_id',
    column: 'personal_encrypted',
    context: EPISODE_PERSONAL_CONTEXT,
  },
  {
    table: 'operation',
    idColumn: 'operation_id',
    column: 'operational_encrypted',
    context: OPERATIONAL_CONTEXT,
  },
];
