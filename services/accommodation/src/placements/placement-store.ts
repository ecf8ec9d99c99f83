import { quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';

export interface PlacementRecord {
  id: string;
  requestId: string;
  offerId: string;
  propertyId: string;
  providerOrganisationId: string;
  confirmedAt: Date;
}

interface PlacementRow {
  id: string;
  request_id: string;
  offer_id: string;
  property_id: string;
  provider_organisation_id: string;
  confirmed_at: Date;
}

function placementOf(row: PlacementRow): PlacementRecord {
  return {
    id: row.id,
    requestId: row.request_id,
    offerId: row.offer_id,
    propertyId: row.property_id,
    providerOrganisationId: row.provider_organisation_id,
    confirmedAt: row.confirmed_at,
  };
}

const COLUMNS = 'id, request_id, offer_id, property_id, provider_organisation_id, confirmed_at';

/**
 * Placements: at most one per request and one per offer (UNIQUE), so a second placement is
 * impossible even if the row locks that serialise acceptances were ever wrong.
 */
export class PlacementStore {
  private readonly schema: string;

  constructor(schema: string) {
    this.schema = quoteIdentifier(schema);
  }

  async insert(manager: EntityManager, placement: PlacementRecord): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.schema}.placement (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        placement.id,
        placement.requestId,
        placement.offerId,
        placement.propertyId,
        placement.providerOrganisationId,
        placement.confirmedAt,
      ],
    );
  }

  async find(manager: EntityManager, id: string): Promise<PlacementRecord | undefined> {
    const rows = await manager.query<PlacementRow[]>(
      `SELECT ${COLUMNS} FROM ${this.schema}.placement WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    return row === undefined ? undefined : placementOf(row);
  }

  async ofRequest(manager: EntityManager, requestId: string): Promise<PlacementRecord | undefined> {
    const rows = await manager.query<PlacementRow[]>(
      `SELECT ${COLUMNS} FROM ${this.schema}.placement WHERE request_id = $1`,
      [requestId],
    );
    const row = rows[0];
    return row === undefined ? undefined : placementOf(row);
  }
}
