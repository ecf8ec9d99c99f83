import { normaliseAddress, normalisePostcode } from '@harbour/london';
import type { FieldCipher } from '@harbour/platform';
import { quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { CaseKind } from '../people/person-keys';

export type LocationSource = 'referral' | 'last_seen' | 'sighting';

/** Blind-index purposes of locations: the check computes the same ones. */
export const POSTCODE_PURPOSE = 'location:postcode';
export const ADDRESS_PURPOSE = 'location:address';

/** Blind indexes of normalised locations: equal places give equal indexes, and nothing in clear. */
export class LocationIndexes {
  constructor(private readonly cipher: FieldCipher) {}

  postcode(normalised: string): string {
    return this.cipher.blindIndex(normalised, POSTCODE_PURPOSE);
  }

  address(normalised: string): string {
    return this.cipher.blindIndex(normalised, ADDRESS_PURPOSE);
  }
}

/**
 * Writes the known-victim index: one row per place linked to a case, holding only the blind
 * indexes of its normalised postcode and address. Whether a row still counts depends on its case
 * (see `open-cases.ts`), so closing a case needs no index update.
 */
export class LocationIndex {
  private readonly schema: string;
  private readonly indexes: LocationIndexes;

  constructor(schema: string, cipher: FieldCipher) {
    this.schema = quoteIdentifier(schema);
    this.indexes = new LocationIndexes(cipher);
  }

  /** Indexes a place; a postcode that does not normalise (and no usable address) is skipped. */
  async record(
    manager: EntityManager,
    owner: { caseKind: CaseKind; caseId: string },
    source: LocationSource,
    place: { postcode?: string; address?: string },
  ): Promise<boolean> {
    const postcode = place.postcode === undefined ? undefined : normalisePostcode(place.postcode);
    const address = place.address === undefined ? undefined : normaliseAddress(place.address);
    if (postcode === undefined && address === undefined) return false;
    await manager.query(
      `INSERT INTO ${this.schema}.known_victim_location
         (case_kind, case_id, source, postcode_index, address_index)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        owner.caseKind,
        owner.caseId,
        source,
        postcode === undefined ? null : this.indexes.postcode(postcode),
        address === undefined ? null : this.indexes.address(address),
      ],
    );
    return true;
  }
}
