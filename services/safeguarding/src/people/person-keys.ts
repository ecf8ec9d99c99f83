import type { FieldCipher } from '@harbour/platform';
import { quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import {
  type IdentifyingDetails,
  type PersonKeyPurpose,
  personKeyValues,
} from '../domain/person-key';

export type CaseKind = 'referral' | 'missing_episode';

/** A person key as stored: the blind index of a normalised identifying value. */
export interface PersonKey {
  purpose: PersonKeyPurpose;
  blindIndex: string;
}

/**
 * Person keys link the records of one person (a referral and a later missing report, repeat
 * episodes) without storing who the person is: only HMAC blind indexes are kept.
 */
export class PersonKeys {
  private readonly schema: string;

  constructor(
    schema: string,
    private readonly cipher: FieldCipher,
  ) {
    this.schema = quoteIdentifier(schema);
  }

  of(details: IdentifyingDetails | undefined): PersonKey[] {
    if (details === undefined) return [];
    return personKeyValues(details).map(({ purpose, value }) => ({
      purpose,
      blindIndex: this.cipher.blindIndex(value, purpose),
    }));
  }

  async record(
    manager: EntityManager,
    caseKind: CaseKind,
    caseId: string,
    keys: readonly PersonKey[],
  ): Promise<void> {
    for (const key of keys) {
      await manager.query(
        `INSERT INTO ${this.schema}.person_key (case_kind, case_id, purpose, blind_index)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [caseKind, caseId, key.purpose, key.blindIndex],
      );
    }
  }
}

/** The blind indexes of some keys, as a query parameter. */
export function blindIndexesOf(keys: readonly PersonKey[]): string[] {
  return keys.map((k) => k.blindIndex);
}
