import { createHash } from 'node:crypto';
import { quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';

export interface StoredResponse {
  status: number;
  body: unknown;
  location?: string;
}

export type IdempotencyClaim =
  { kind: 'new' } | { kind: 'replay'; response: StoredResponse } | { kind: 'mismatch' };

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export function isValidIdempotencyKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** Canonical JSON (sorted keys) so the same request always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonical(body)}`)
    .digest('hex');
}

/**
 * Idempotency-Key handling inside the caller's transaction. The claim row is inserted in the
 * same transaction as the state change and the outbox row, so a retry either sees the
 * committed first response or (if the first attempt rolled back) becomes the first attempt.
 * A concurrent duplicate blocks on the primary key until the first transaction ends.
 */
export class IdempotencyRecords {
  private readonly schema: string;

  constructor(schema: string) {
    this.schema = quoteIdentifier(schema);
  }

  async claim(
    manager: EntityManager,
    organisationId: string,
    key: string,
    hash: string,
  ): Promise<IdempotencyClaim> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO ${this.schema}.idempotency_record (organisation_id, idempotency_key, request_hash)
       VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING idempotency_key`,
      [organisationId, key, hash],
    );
    if (inserted.length > 0) return { kind: 'new' };
    const rows: {
      request_hash: string;
      response_status: number | null;
      response_body: string | null;
      response_location: string | null;
    }[] = await manager.query(
      `SELECT request_hash, response_status, response_body, response_location
         FROM ${this.schema}.idempotency_record WHERE organisation_id = $1 AND idempotency_key = $2`,
      [organisationId, key],
    );
    const row = rows[0];
    if (!row || row.response_status === null) {
      throw new Error('idempotency record without a response');
    }
    if (row.request_hash !== hash) return { kind: 'mismatch' };
    return {
      kind: 'replay',
      response: {
        status: row.response_status,
        body: JSON.parse(row.response_body ?? 'null') as unknown,
        ...(row.response_location ? { location: row.response_location } : {}),
      },
    };
  }

  async complete(
    manager: EntityManager,
    organisationId: string,
    key: string,
    response: StoredResponse,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.idempotency_record
          SET response_status = $3, response_body = $4, response_location = $5
        WHERE organisation_id = $1 AND idempotency_key = $2`,
      [
        organisationId,
        key,
        response.status,
        JSON.stringify(response.body),
        response.location ?? null,
      ],
    );
  }
}
