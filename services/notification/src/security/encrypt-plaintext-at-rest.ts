import {
  type FieldCipher,
  type Logger,
  queryRows,
  quoteIdentifier,
  schemaOf,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { ACKNOWLEDGEMENT_RESPONSE_COLUMN, WEBHOOK_SECRET_COLUMN } from './encrypted-columns';

/** How many rows of each kind were found in clear and encrypted. Counts only. */
export interface PlaintextEncryption {
  webhookSecrets: number;
  acknowledgementResponses: number;
}

/** Rows per statement: enough to finish a real directory in a few round trips. */
const BATCH = 500;

/**
 * Encrypts what was stored in clear before notification encrypted at rest: each webhook
 * contact's plaintext `secret` into `secret_encrypted` (unless a secret was already encrypted
 * there) and each acknowledgement's plaintext `response` into `response_encrypted`, clearing
 * the plaintext in the same statement's transaction.
 *
 * Runs on every start, before the service delivers or takes requests (the migration that added
 * the columns has no key); once everything is encrypted it finds nothing and costs two scans of
 * small tables. Instances starting together are safe: each waits for the rows another has
 * locked, finds them cleared and moves on, and none returns before no plaintext is left, so
 * none signs a webhook before its secret is encrypted.
 */
export async function encryptPlaintextAtRest(
  dataSource: DataSource,
  cipher: FieldCipher,
  logger: Logger,
): Promise<PlaintextEncryption> {
  const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
  const webhookSecrets = await encryptColumn(
    dataSource,
    `SELECT id, secret AS plaintext, secret_encrypted IS NOT NULL AS already
       FROM ${schema}.contact WHERE secret IS NOT NULL LIMIT ${BATCH} FOR UPDATE`,
    (row) =>
      row.already
        ? [`UPDATE ${schema}.contact SET secret = NULL WHERE id = $1`, [row.id]]
        : [
            `UPDATE ${schema}.contact SET secret_encrypted = $2, secret = NULL WHERE id = $1`,
            [row.id, cipher.encrypt(row.plaintext, WEBHOOK_SECRET_COLUMN.context)],
          ],
  );
  const acknowledgementResponses = await encryptColumn(
    dataSource,
    `SELECT id, response AS plaintext, response_encrypted IS NOT NULL AS already
       FROM ${schema}.acknowledgement WHERE response IS NOT NULL
       LIMIT ${BATCH} FOR UPDATE`,
    (row) =>
      row.already
        ? [`UPDATE ${schema}.acknowledgement SET response = NULL WHERE id = $1`, [row.id]]
        : [
            `UPDATE ${schema}.acknowledgement
                SET response_encrypted = $2, response = NULL WHERE id = $1`,
            [row.id, cipher.encrypt(row.plaintext, ACKNOWLEDGEMENT_RESPONSE_COLUMN.context)],
          ],
  );
  const done = { webhookSecrets, acknowledgementResponses };
  if (webhookSecrets + acknowledgementResponses > 0) {
    logger.info(done, 'encrypted values stored in clear by an earlier release');
  }
  return done;
}

interface PlaintextRow {
  id: string;
  plaintext: string;
  /** An encrypted value is there already (written by this release): keep it. */
  already: boolean;
}

/** Batches of locked rows, each batch rewritten and committed in one transaction. */
async function encryptColumn(
  dataSource: DataSource,
  select: string,
  rewrite: (row: PlaintextRow) => [string, unknown[]],
): Promise<number> {
  let total = 0;
  for (;;) {
    const rewritten = await dataSource.transaction(async (manager) => {
      const rows = await queryRows<PlaintextRow>(manager, select);
      for (const row of rows) {
        const [sql, parameters] = rewrite(row);
        await queryRows(manager, sql, parameters);
      }
      return rows.length;
    });
    total += rewritten;
    // Not `< BATCH`: rows another instance had locked drop out of a batch without being done.
    if (rewritten === 0) return total;
  }
}
