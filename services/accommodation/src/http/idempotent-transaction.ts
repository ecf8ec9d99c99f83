import { createHash } from 'node:crypto';
import { type Kickable, withOutbox } from '@harbour/messaging';
import { type FieldCipher, type Principal, quoteIdentifier } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { RequestRejected } from './request-rejected';

/** Context of the encrypted stored response (an acceptance's answer carries names). */
const RESPONSE_CONTEXT = 'idempotency_record.response';

export interface StoredResponse {
  status: number;
  body: unknown;
  location?: string;
}

/** The caller's Idempotency-Key and the hash of the request it was sent with. */
export interface RequestIdempotency {
  key: string;
  hash: string;
}

export interface CommandContext {
  principal: Principal;
  idempotency: RequestIdempotency | undefined;
}

export interface CommandResult {
  response: StoredResponse;
  replayed: boolean;
}

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
 * Runs a command in one transaction with the outbox, honouring Idempotency-Key: the claim row,
 * the state change, the outbox rows and the stored (encrypted) response commit together, so a
 * retried request gets the first answer and nothing is done twice. A concurrent duplicate waits
 * on the claim's primary key until the first transaction ends. `RequestRejected` rolls all back.
 */
export class IdempotentTransaction {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: Kickable,
    private readonly cipher: FieldCipher,
    schema: string,
  ) {
    this.table = `${quoteIdentifier(schema)}.idempotency_record`;
  }

  run(
    context: CommandContext,
    work: (manager: EntityManager, now: Date) => Promise<StoredResponse>,
  ): Promise<CommandResult> {
    const { principal, idempotency } = context;
    return withOutbox(this.dataSource, this.relay, async (manager) => {
      if (idempotency) {
        const replay = await this.claim(manager, principal.organisationId, idempotency);
        if (replay !== undefined) return { response: replay, replayed: true };
      }
      const response = await work(manager, new Date());
      if (idempotency) {
        await manager.query(
          `UPDATE ${this.table} SET response_encrypted = $3
            WHERE organisation_id = $1 AND idempotency_key = $2`,
          [
            principal.organisationId,
            idempotency.key,
            this.cipher.encryptJson(response, RESPONSE_CONTEXT),
          ],
        );
      }
      return { response, replayed: false };
    });
  }

  /** The first response to this key, or undefined when this request is the first. */
  private async claim(
    manager: EntityManager,
    organisationId: string,
    idempotency: RequestIdempotency,
  ): Promise<StoredResponse | undefined> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO ${this.table} (organisation_id, idempotency_key, request_hash)
       VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING idempotency_key`,
      [organisationId, idempotency.key, idempotency.hash],
    );
    if (inserted.length > 0) return undefined;
    const rows = await manager.query<{ request_hash: string; response_encrypted: string | null }[]>(
      `SELECT request_hash, response_encrypted FROM ${this.table}
        WHERE organisation_id = $1 AND idempotency_key = $2`,
      [organisationId, idempotency.key],
    );
    const row = rows[0];
    if (!row || row.response_encrypted === null) {
      throw new Error('idempotency record without a response');
    }
    if (row.request_hash !== idempotency.hash) {
      throw new RequestRejected({ kind: 'idempotency_key_reused' });
    }
    return this.cipher.decryptJson(row.response_encrypted, RESPONSE_CONTEXT) as StoredResponse;
  }
}
