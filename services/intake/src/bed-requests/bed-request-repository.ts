import type {
  BedNeeds,
  BedRequestWithdrawn,
  BedUrgency,
  ExclusionZones,
  OrganisationRef,
} from '@harbour/contracts';
import { type FieldCipher, quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { BedRequest, BedRequestPerson } from '../domain/bed-request';
import type { BedRequestState } from '../domain/bed-request-withdrawal';

/** Authenticated-data context of the encrypted column (a value moved elsewhere won't decrypt). */
export const BED_REQUEST_PERSON = 'bed_request.person';

export interface BedRequestWithdrawal {
  at: Date;
  by: OrganisationRef;
  reason: BedRequestWithdrawn['reason'];
}

/** A bed request with what became of it, the person's details decrypted. */
export interface BedRequestRecord extends BedRequest {
  state: BedRequestState;
  withdrawal?: BedRequestWithdrawal;
}

interface BedRequestRow {
  id: string;
  submitted_by_organisation_id: string;
  submitted_by_organisation_kind: OrganisationRef['organisationKind'];
  submitted_at: Date;
  borough: string;
  needs: BedNeeds;
  urgency_kind: BedUrgency['kind'];
  needed_by: Date;
  match_by: Date;
  exclusion_zones: ExclusionZones;
  referral_id: string | null;
  person_encrypted: string | null;
  state: BedRequestState;
  withdrawn_at: Date | null;
  withdrawn_by_organisation_id: string | null;
  withdrawn_by_organisation_kind: OrganisationRef['organisationKind'] | null;
  withdrawal_reason: BedRequestWithdrawn['reason'] | null;
}

export class BedRequestRepository {
  private readonly schema: string;

  constructor(
    schema: string,
    private readonly cipher: FieldCipher,
  ) {
    this.schema = quoteIdentifier(schema);
  }

  async insert(manager: EntityManager, request: BedRequest): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.schema}.bed_request
        (id, submitted_by_organisation_id, submitted_by_organisation_kind, submitted_at, borough,
         needs, urgency_kind, needed_by, match_by, exclusion_zones, referral_id, person_encrypted,
         state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'submitted')`,
      [
        request.id,
        request.submittedBy.organisationId,
        request.submittedBy.organisationKind,
        request.submittedAt,
        request.borough,
        JSON.stringify(request.needs),
        request.urgency.kind,
        request.urgency.neededBy,
        request.urgency.matchBy,
        JSON.stringify(request.exclusionZones),
        request.referralId ?? null,
        request.person ? this.cipher.encryptJson(request.person, BED_REQUEST_PERSON) : null,
      ],
    );
  }

  /** The request; `lock` holds the row until the transaction ends. */
  async find(
    manager: EntityManager,
    id: string,
    lock: 'for_update' | 'no_lock' = 'no_lock',
  ): Promise<BedRequestRecord | undefined> {
    const rows: BedRequestRow[] = await manager.query(
      `SELECT * FROM ${this.schema}.bed_request WHERE id = $1
       ${lock === 'for_update' ? 'FOR UPDATE' : ''}`,
      [id],
    );
    const row = rows[0];
    return row ? this.recordOf(row) : undefined;
  }

  async markWithdrawn(
    manager: EntityManager,
    id: string,
    withdrawal: BedRequestWithdrawal,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.bed_request
          SET state = 'withdrawn', withdrawn_at = $2, withdrawn_by_organisation_id = $3,
              withdrawn_by_organisation_kind = $4, withdrawal_reason = $5
        WHERE id = $1`,
      [
        id,
        withdrawal.at,
        withdrawal.by.organisationId,
        withdrawal.by.organisationKind,
        withdrawal.reason,
      ],
    );
  }

  private recordOf(row: BedRequestRow): BedRequestRecord {
    const person =
      row.person_encrypted !== null
        ? (this.cipher.decryptJson(row.person_encrypted, BED_REQUEST_PERSON) as BedRequestPerson)
        : undefined;
    return {
      id: row.id,
      submittedBy: {
        organisationId: row.submitted_by_organisation_id,
        organisationKind: row.submitted_by_organisation_kind,
      },
      submittedAt: row.submitted_at,
      borough: row.borough,
      needs: row.needs,
      urgency: {
        kind: row.urgency_kind,
        neededBy: row.needed_by.toISOString(),
        matchBy: row.match_by.toISOString(),
      },
      exclusionZones: row.exclusion_zones,
      ...(person ? { person } : {}),
      ...(row.referral_id !== null ? { referralId: row.referral_id } : {}),
      state: row.state,
      ...(row.withdrawn_at !== null &&
      row.withdrawn_by_organisation_id !== null &&
      row.withdrawn_by_organisation_kind !== null &&
      row.withdrawal_reason !== null
        ? {
            withdrawal: {
              at: row.withdrawn_at,
              by: {
                organisationId: row.withdrawn_by_organisation_id,
                organisationKind: row.withdrawn_by_organisation_kind,
              },
              reason: row.withdrawal_reason,
            },
          }
        : {}),
    };
  }
}
