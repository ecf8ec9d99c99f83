import type { BedNeeds, BedUrgency, ExclusionZones, OrganisationRef } from '@harbour/contracts';
import { type FieldCipher, queryRows, quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { BedRequestState } from '../domain/offer-decision';

/** Authenticated-data context of the encrypted names (a value moved elsewhere won't decrypt). */
export const BED_REQUEST_PERSON = 'bed_request.person';

/** The names given for the person: the only personal data accommodation keeps. */
export interface PersonNames {
  givenName?: string;
  familyName?: string;
}

export interface NewBedRequest {
  id: string;
  requestedBy: OrganisationRef;
  borough: string;
  needs: BedNeeds;
  urgency: BedUrgency;
  exclusionZones: ExclusionZones;
  person: PersonNames | undefined;
  referralId: string | undefined;
  submittedAt: Date;
}

/** A bed request as matching and reads see it: no names. */
export interface BedRequestRecord extends Omit<NewBedRequest, 'person'> {
  state: BedRequestState;
  matchBy: Date;
  closedAt: Date | undefined;
  closedReason: string | undefined;
}

interface BedRequestRow {
  id: string;
  requester_organisation_id: string;
  requester_organisation_kind: OrganisationRef['organisationKind'];
  borough: string;
  needs: BedNeeds;
  urgency: BedUrgency;
  exclusion_zones: ExclusionZones;
  match_by: Date;
  referral_id: string | null;
  submitted_at: Date;
  state: BedRequestState;
  closed_at: Date | null;
  closed_reason: string | null;
}

const COLUMNS = `r.id, r.requester_organisation_id, r.requester_organisation_kind, r.borough,
  r.needs, r.urgency, r.exclusion_zones, r.match_by, r.referral_id, r.submitted_at, r.state,
  r.closed_at, r.closed_reason`;

function requestOf(row: BedRequestRow): BedRequestRecord {
  return {
    id: row.id,
    requestedBy: {
      organisationId: row.requester_organisation_id,
      organisationKind: row.requester_organisation_kind,
    },
    borough: row.borough,
    needs: row.needs,
    urgency: row.urgency,
    exclusionZones: row.exclusion_zones,
    referralId: row.referral_id ?? undefined,
    submittedAt: row.submitted_at,
    state: row.state,
    matchBy: row.match_by,
    closedAt: row.closed_at ?? undefined,
    closedReason: row.closed_reason ?? undefined,
  };
}

/**
 * Bed requests as intake published them. The person's names are encrypted and read back only
 * for the provider that accepted (`names`).
 */
export class BedRequestStore {
  private readonly schema: string;

  constructor(
    schema: string,
    private readonly cipher: FieldCipher,
  ) {
    this.schema = quoteIdentifier(schema);
  }

  /** Stores a new request; false when it was already stored (a replayed event). */
  async insert(manager: EntityManager, request: NewBedRequest): Promise<boolean> {
    const names = request.person;
    const hasNames = names?.givenName !== undefined || names?.familyName !== undefined;
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO ${this.schema}.bed_request
        (id, requester_organisation_id, requester_organisation_kind, borough, needs, urgency,
         exclusion_zones, urgency_kind, match_by, person_encrypted, referral_id, submitted_at,
         state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open')
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        request.id,
        request.requestedBy.organisationId,
        request.requestedBy.organisationKind,
        request.borough,
        JSON.stringify(request.needs),
        JSON.stringify(request.urgency),
        JSON.stringify(request.exclusionZones),
        request.urgency.kind,
        request.urgency.matchBy,
        hasNames ? this.cipher.encryptJson(names, BED_REQUEST_PERSON) : null,
        request.referralId ?? null,
        request.submittedAt,
      ],
    );
    return rows.length > 0;
  }

  /** The request; `for_update` serialises everything that changes it (answers, timers, events). */
  async find(
    manager: EntityManager,
    id: string,
    lock: 'for_update' | 'no_lock' = 'no_lock',
  ): Promise<BedRequestRecord | undefined> {
    const rows = await manager.query<BedRequestRow[]>(
      `SELECT ${COLUMNS} FROM ${this.schema}.bed_request r WHERE r.id = $1
       ${lock === 'for_update' ? 'FOR UPDATE' : ''}`,
      [id],
    );
    const row = rows[0];
    return row === undefined ? undefined : requestOf(row);
  }

  /** The person's names, decrypted: only ever for the provider that accepted. */
  async names(manager: EntityManager, id: string): Promise<PersonNames> {
    const rows = await manager.query<{ person_encrypted: string | null }[]>(
      `SELECT person_encrypted FROM ${this.schema}.bed_request WHERE id = $1`,
      [id],
    );
    const encrypted = rows[0]?.person_encrypted ?? null;
    return encrypted === null
      ? {}
      : (this.cipher.decryptJson(encrypted, BED_REQUEST_PERSON) as PersonNames);
  }

  async close(
    manager: EntityManager,
    id: string,
    state: Exclude<BedRequestState, 'open'>,
    reason: string,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.bed_request SET state = $2, closed_reason = $3, closed_at = $4
        WHERE id = $1`,
      [id, state, reason, at],
    );
  }

  /**
   * Claims one open request with a timer due at `now` — a hold past its expiry, or the matching
   * window passed — locking it. `SKIP LOCKED`: a request another instance (or an answer, or a
   * consumer) holds is passed by and looked at again on the next tick.
   */
  async claimDue(manager: EntityManager, now: Date): Promise<BedRequestRecord | undefined> {
    const rows = await manager.query<BedRequestRow[]>(
      `SELECT ${COLUMNS} FROM ${this.schema}.bed_request r
        WHERE r.state = 'open'
          AND (r.timer_retry_at IS NULL OR r.timer_retry_at <= $1)
          AND (r.match_by <= $1 OR EXISTS (
                SELECT 1 FROM ${this.schema}.offer o
                 WHERE o.request_id = r.id AND o.state = 'offered' AND o.hold_expires_at <= $1))
        ORDER BY r.match_by, r.id
        LIMIT 1
        FOR UPDATE OF r SKIP LOCKED`,
      [now],
    );
    const row = rows[0];
    return row === undefined ? undefined : requestOf(row);
  }

  /** A timer that failed is retried after a back-off (2, 4, 8… s, at most 5 min), never blocking the rest. */
  async recordTimerFailure(manager: EntityManager, id: string, error: string): Promise<number> {
    const rows = await queryRows<{ timer_attempts: number }>(
      manager,
      `UPDATE ${this.schema}.bed_request
          SET timer_attempts = timer_attempts + 1,
              timer_last_error = left($2, 500),
              timer_retry_at = now() + make_interval(secs => least(300, power(2, timer_attempts + 1)))
        WHERE id = $1
       RETURNING timer_attempts`,
      [id, error],
    );
    return rows[0]?.timer_attempts ?? 0;
  }
}
