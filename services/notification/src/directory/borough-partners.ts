import { PAN_LONDON, queryRows, quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource } from 'typeorm';

export interface BoroughPartner {
  name: string;
  kind: string;
  /** Serves every borough (`pan_london`) rather than naming this one. */
  panLondon: boolean;
}

/**
 * Which organisations of the directory serve a borough, for the London map's panel: name and
 * kind only. Contacts, languages, specialisms and duty hours stay in the directory export,
 * which is for the coordinator's administrators.
 */
export class BoroughPartners {
  private readonly organisations: string;

  constructor(private readonly dataSource: DataSource) {
    this.organisations = `${quoteIdentifier(schemaOf(dataSource) ?? 'public')}.organisation`;
  }

  /** Those naming the borough first, then those serving all London; by kind, then name. */
  async of(gss: string): Promise<BoroughPartner[]> {
    const rows = await queryRows<{ name: string; kind: string; pan_london: boolean }>(
      this.dataSource.manager,
      `SELECT name, kind, NOT ($1 = ANY (boroughs)) AS pan_london
         FROM ${this.organisations}
        WHERE boroughs && ARRAY[$1, $2]::text[]
        ORDER BY 3, kind, name, id`,
      [gss, PAN_LONDON],
    );
    return rows.map((row) => ({ name: row.name, kind: row.kind, panLondon: row.pan_london }));
  }
}
