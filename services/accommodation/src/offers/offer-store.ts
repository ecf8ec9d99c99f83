import type { BedNeeds, BedOfferExpired, BedUrgency } from '@harbour/contracts';
import { quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { OfferState } from '../domain/offer-round';

export type OfferEndReason = BedOfferExpired['reason'];

export interface NewOffer {
  id: string;
  requestId: string;
  propertyId: string;
  providerOrganisationId: string;
  rank: number;
  explanation: string[];
  offeredAt: Date;
  holdExpiresAt: Date;
}

export interface OfferRecord extends NewOffer {
  state: OfferState;
  endReason: OfferEndReason | undefined;
  declineReason: string | undefined;
  decidedAt: Date | undefined;
}

/** An offer as its provider lists it: the request's needs and urgency, never the person. */
export interface ProviderOffer extends OfferRecord {
  propertyLabel: string;
  needs: BedNeeds;
  urgency: BedUrgency;
}

interface OfferRow {
  id: string;
  request_id: string;
  property_id: string;
  provider_organisation_id: string;
  rank: number;
  explanation: string[];
  state: OfferState;
  end_reason: OfferEndReason | null;
  decline_reason: string | null;
  offered_at: Date;
  hold_expires_at: Date;
  decided_at: Date | null;
}

interface ProviderOfferRow extends OfferRow {
  property_label: string;
  needs: BedNeeds;
  urgency: BedUrgency;
}

const COLUMNS = `o.id, o.request_id, o.property_id, o.provider_organisation_id, o.rank,
  o.explanation, o.state, o.end_reason, o.decline_reason, o.offered_at, o.hold_expires_at,
  o.decided_at`;

function offerOf(row: OfferRow): OfferRecord {
  return {
    id: row.id,
    requestId: row.request_id,
    propertyId: row.property_id,
    providerOrganisationId: row.provider_organisation_id,
    rank: row.rank,
    explanation: row.explanation,
    state: row.state,
    endReason: row.end_reason ?? undefined,
    declineReason: row.decline_reason ?? undefined,
    offeredAt: row.offered_at,
    holdExpiresAt: row.hold_expires_at,
    decidedAt: row.decided_at ?? undefined,
  };
}

/** Offers of beds to providers. An offer in state `offered` holds one bed of its property. */
export class OfferStore {
  private readonly schema: string;

  constructor(schema: string) {
    this.schema = quoteIdentifier(schema);
  }

  async insert(manager: EntityManager, offer: NewOffer): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.schema}.offer
        (id, request_id, property_id, provider_organisation_id, rank, explanation, state,
         offered_at, hold_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'offered', $7, $8)`,
      [
        offer.id,
        offer.requestId,
        offer.propertyId,
        offer.providerOrganisationId,
        offer.rank,
        JSON.stringify(offer.explanation),
        offer.offeredAt,
        offer.holdExpiresAt,
      ],
    );
  }

  async find(
    manager: EntityManager,
    id: string,
    lock: 'for_update' | 'no_lock' = 'no_lock',
  ): Promise<OfferRecord | undefined> {
    const rows = await manager.query<OfferRow[]>(
      `SELECT ${COLUMNS} FROM ${this.schema}.offer o WHERE o.id = $1
       ${lock === 'for_update' ? 'FOR UPDATE' : ''}`,
      [id],
    );
    const row = rows[0];
    return row === undefined ? undefined : offerOf(row);
  }

  /** Every offer of a request, in the order they were made (best rank first within a round). */
  async ofRequest(manager: EntityManager, requestId: string): Promise<OfferRecord[]> {
    const rows = await manager.query<OfferRow[]>(
      `SELECT ${COLUMNS} FROM ${this.schema}.offer o WHERE o.request_id = $1
        ORDER BY o.offered_at, o.rank, o.id`,
      [requestId],
    );
    return rows.map(offerOf);
  }

  /** A provider's offers: open ones first (soonest expiry first), then the latest answered. */
  async ofProvider(manager: EntityManager, providerId: string): Promise<ProviderOffer[]> {
    const rows = await manager.query<ProviderOfferRow[]>(
      `SELECT ${COLUMNS}, p.label AS property_label, r.needs, r.urgency
         FROM ${this.schema}.offer o
         JOIN ${this.schema}.property p ON p.id = o.property_id
         JOIN ${this.schema}.bed_request r ON r.id = o.request_id
        WHERE o.provider_organisation_id = $1
        ORDER BY (o.state = 'offered') DESC,
                 CASE WHEN o.state = 'offered' THEN o.hold_expires_at END ASC,
                 o.offered_at DESC, o.id
        LIMIT 200`,
      [providerId],
    );
    return rows.map((row) => ({
      ...offerOf(row),
      propertyLabel: row.property_label,
      needs: row.needs,
      urgency: row.urgency,
    }));
  }

  /** Ends an open offer; only the request's lock holder calls this. */
  async end(
    manager: EntityManager,
    id: string,
    state: Exclude<OfferState, 'offered'>,
    at: Date,
    reasons: { endReason?: OfferEndReason; declineReason?: string } = {},
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.offer
          SET state = $2, decided_at = $3, end_reason = $4, decline_reason = $5
        WHERE id = $1 AND state = 'offered'`,
      [id, state, at, reasons.endReason ?? null, reasons.declineReason ?? null],
    );
  }
}
