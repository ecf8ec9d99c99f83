import type { FieldCipher } from '../crypto/field-cipher';

/** The first answer to an Idempotency-Key, replayed as it was to every retry. */
export interface StoredResponse {
  status: number;
  body: unknown;
  location?: string;
}

/**
 * How a service's `idempotency_record` table holds the stored response: which columns, and how
 * a response becomes their values and back. A service whose answers carry personal data stores
 * them encrypted (`encryptedResponseColumn`); others keep them readable (`plainResponseColumns`).
 */
export interface StoredResponseColumns {
  /**
   * The columns holding the response, in the order `encode` returns their values. The first is
   * null until the first attempt has stored its response.
   */
  readonly columns: readonly [string, ...string[]];
  encode(response: StoredResponse): unknown[];
  /** The response in a row of `columns` that holds one. */
  decode(row: Readonly<Record<string, unknown>>): StoredResponse;
}

/**
 * Status, body and Location in their own columns. The body is JSON text, not jsonb (which would
 * reorder the keys), so a replay is byte for byte the first answer.
 */
export const plainResponseColumns: StoredResponseColumns = {
  columns: ['response_status', 'response_body', 'response_location'],
  encode: (response) => [response.status, JSON.stringify(response.body), response.location ?? null],
  decode: (row) => {
    const status = row.response_status as number;
    const body = row.response_body as string | null;
    const location = row.response_location as string | null;
    return {
      status,
      body: JSON.parse(body ?? 'null') as unknown,
      ...(location ? { location } : {}),
    };
  },
};

/** The whole response encrypted in one `response_encrypted` column, under `context`. */
export function encryptedResponseColumn(
  cipher: FieldCipher,
  context: string,
): StoredResponseColumns {
  return {
    columns: ['response_encrypted'],
    encode: (response) => [cipher.encryptJson(response, context)],
    decode: (row) =>
      cipher.decryptJson(row.response_encrypted as string, context) as StoredResponse,
  };
}
