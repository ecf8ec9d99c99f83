import { randomUUID } from 'node:crypto';
import type { FieldCipher, Principal } from '@harbour/platform';
import { quoteIdentifier } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { KnownVictimAnswer, KnownVictimQuery } from '../domain/known-victim-query';
import { londonDateOf } from '../domain/london-date';
import { LocationIndexes } from './location-index';
import { knownEpisode, openNrmReferral, recentDutyToNotify } from './open-cases';

/**
 * "Is anyone we know to be at risk linked to this place?" Answers yes or no per location kind,
 * over the places of open cases only: NRM referrals not closed, Duty to Notify reports from the
 * last 12 months, episodes still missing and found children with a trafficking marker. It never
 * says who, how many or which case.
 */
export class KnownVictimIndex {
  private readonly schema: string;
  private readonly indexes: LocationIndexes;

  constructor(
    schema: string,
    cipher: FieldCipher,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.schema = quoteIdentifier(schema);
    this.indexes = new LocationIndexes(cipher);
  }

  /** The blind indexes a query compares (what the audit keeps instead of the place). */
  indexesOf(query: KnownVictimQuery): { postcode?: string; address?: string } {
    return {
      ...(query.postcode !== undefined ? { postcode: this.indexes.postcode(query.postcode) } : {}),
      ...(query.address !== undefined ? { address: this.indexes.address(query.address) } : {}),
    };
  }

  async check(manager: EntityManager, query: KnownVictimQuery): Promise<KnownVictimAnswer> {
    const { postcode, address } = this.indexesOf(query);
    const now = this.clock();
    const matchedOn: KnownVictimAnswer['matchedOn'] = [];
    if (postcode !== undefined && (await this.matches(manager, 'postcode_index', postcode, now))) {
      matchedOn.push('postcode');
    }
    if (address !== undefined && (await this.matches(manager, 'address_index', address, now))) {
      matchedOn.push('address');
    }
    return { match: matchedOn.length > 0, matchedOn };
  }

  private async matches(
    manager: EntityManager,
    column: 'postcode_index' | 'address_index',
    blindIndex: string,
    now: Date,
  ): Promise<boolean> {
    const s = this.schema;
    const rows = await manager.query<{ known: boolean }[]>(
      `SELECT EXISTS (
         SELECT 1 FROM ${s}.known_victim_location l
          WHERE l.${column} = $1
            AND (
              (l.case_kind = 'referral' AND EXISTS (
                 SELECT 1 FROM ${s}.referral_case c
                  WHERE c.referral_id = l.case_id
                    AND (${openNrmReferral('c', '$2')} OR ${recentDutyToNotify('c', '$3')})))
              OR (l.case_kind = 'missing_episode' AND EXISTS (
                 SELECT 1 FROM ${s}.missing_episode e
                  WHERE e.episode_id = l.case_id AND ${knownEpisode('e')}))
            )
       ) AS known`,
      [blindIndex, londonDateOf(now), now.toISOString()],
    );
    return rows[0]?.known === true;
  }
}

/** One audited check: who asked, when, and whether it matched; the place only as blind indexes. */
export interface KnownVictimCheckResult extends KnownVictimAnswer {
  checkId: string;
}

/** The use case behind `POST /v1/known-victim-checks`: check, and audit the check in the same transaction. */
export class CheckKnownVictim {
  private readonly schema: string;

  constructor(
    schema: string,
    private readonly dataSource: DataSource,
    private readonly index: KnownVictimIndex,
  ) {
    this.schema = quoteIdentifier(schema);
  }

  async execute(principal: Principal, query: KnownVictimQuery): Promise<KnownVictimCheckResult> {
    return this.dataSource.transaction(async (manager) => {
      const answer = await this.index.check(manager, query);
      const { postcode, address } = this.index.indexesOf(query);
      const checkId = randomUUID();
      await manager.query(
        `INSERT INTO ${this.schema}.known_victim_check
           (check_id, organisation_id, organisation_kind, api_key_id, postcode_index, address_index,
            matched, matched_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          checkId,
          principal.organisationId,
          principal.organisationKind,
          principal.keyId,
          postcode ?? null,
          address ?? null,
          answer.match,
          answer.matchedOn,
        ],
      );
      return { checkId, ...answer };
    });
  }
}
