import type { EntityManager } from 'typeorm';
import { quoteIdentifier } from '../database/sql-identifier';
import type { RequestIdempotency } from './idempotency-key';
import {
  plainResponseColumns,
  type StoredResponse,
  type StoredResponseColumns,
} from './stored-response';

export type IdempotencyClaim =
  { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'mismatch' };

/**
 * Idempotency-Key handling inside the caller's transaction, over `<schema>.idempotency_record`.
 * The claim row is inserted in the same transaction as the state change and the outbox row, so
 * a retry either sees the committed first response or (if the first attempt rolled back) becomes
 * the first attempt. A concurrent duplicate blocks on the primary key until the first
 * transaction ends.
 */
export class IdempotencyRecords {
  private readonly table: string;
  private readonly responseColumns: string[];

  constructor(
    schema: string,
    private readonly stored: StoredResponseColumns = plainResponseColumns,
  ) {
    this.table = `${quoteIdentifier(schema)}.idempotency_record`;
    this.responseColumns = stored.columns.map(quoteIdentifier);
  }

  async claim(
    manager: EntityManager,
    organisationId: string,
    idempotency: RequestIdempotency,
  ): Promise<IdempotencyClaim> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO ${this.table} (organisation_id, idempotency_key, request_hash)
       VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING idempotency_key`,
      [organisationId, idempotency.key, idempotency.hash],
    );
    if (inserted.length > 0) return { kind: 'new' };
    const rows = await manager.query<Record<string, unknown>[]>(
      `SELECT request_hash, ${this.responseColumns.join(', ')} FROM ${this.table}
        WHERE organisation_id = $1 AND idempotency_key = $2`,
      [organisationId, idempotency.key],
    );
    const row = rows[0];
    if (!row || row[this.stored.columns[0]] === null) {
      throw new Error('idempotency record without a response');
    }
    if (row.request_hash !== idempotency.hash) return { kind: 'mismatch' };
    return { kind: 'replay', response: this.stored.decode(row) };
  }

  async complete(
    manager: EntityManager,
    organisationId: string,
    key: string,
    response: StoredResponse,
  ): Promise<void> {
    const set = this.responseColumns.map((column, i) => `${column} = $${i + 3}`).join(', ');
    await manager.query(
      `UPDATE ${this.table} SET ${set} WHERE organisation_id = $1 AND idempotency_key = $2`,
      [organisationId, key, ...this.stored.encode(response)],
    );
  }
}
