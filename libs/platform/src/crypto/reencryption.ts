import type { DataSource } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { quoteIdentifier } from '../database/sql-identifier';
import type { Logger } from '../logging/logger';
import { type FieldCipher, FieldDecryptionError } from './field-cipher';

/**
 * One column of `FieldCipher` tokens in a service's schema. Each service lists all of its own in
 * `src/security/encrypted-columns.ts`; a column ending `_encrypted` that is missing from the list
 * is reported (`unregisteredEncryptedColumns`) and keeps the job from calling itself complete.
 */
export interface EncryptedColumn {
  readonly table: string;
  /** The primary key (one column or several): rows are walked in its order, in batches. */
  readonly idColumn: string | readonly [string, ...string[]];
  /** Holds tokens, or null. */
  readonly column: string;
  /** The authenticated-data context the service encrypts this column with. */
  readonly context: string;
}

/** Where one column stands after a pass. Counts only: no value, no id. */
export interface ColumnReencryption {
  readonly table: string;
  readonly column: string;
  /** Tokens not under the current key when the pass reached the column. */
  readonly total: number;
  /** Re-encrypted under the current key by this pass. */
  readonly reencrypted: number;
  /** Left alone because the row changed between read and write (its writer's value wins). */
  readonly changedMeanwhile: number;
  /** No configured key opens them (their key was removed too early, or they were tampered with). */
  readonly undecryptable: number;
  /** Tokens still not under the current key after the pass. */
  readonly remaining: number;
}

export interface ReencryptionReport {
  readonly currentKeyId: string;
  readonly columns: readonly ColumnReencryption[];
  /** `table.column` of `_encrypted` columns in the schema that nobody registered. */
  readonly unregistered: readonly string[];
  /** `stop()` was called during the pass (it may have ended early). */
  readonly stopped: boolean;
  /** Every registered token is under the current key and no column is unregistered. */
  readonly complete: boolean;
}

export interface DataReencryptionOptions {
  dataSource: DataSource;
  /** The service's own schema. */
  schema: string;
  cipher: FieldCipher;
  columns: readonly EncryptedColumn[];
  logger: Logger;
  /** Rows read per query. Default 200. */
  batchSize?: number;
  /** Least time between two progress lines of one column. Default 10 s. */
  progressIntervalMs?: number;
  /** Wait before another background pass after one failed or left tokens behind. Default 5 min. */
  retryDelayMs?: number;
}

/**
 * Re-encrypts every token of a service's encrypted columns under the current data key, so that
 * retired keys can be removed after a rotation (docs/security.md, "Key rotation").
 *
 * - Walks each column in primary-key order (keyset pagination), reading only tokens that do not
 *   start with the current key's prefix: a pass that was stopped, or run twice, only does what is
 *   left (idempotent and resumable without a cursor table).
 * - Writes with compare-and-set (`UPDATE … WHERE column = <old token>`), one row at a time in its
 *   own statement: a row a request changed meanwhile keeps the request's value, and the job holds
 *   no lock for longer than one row update (it cannot deadlock with the service).
 * - Several instances may run it at once: the compare-and-set makes the loser's write a no-op.
 * - Logs progress per column (done / total), never a value.
 */
export class DataReencryption {
  private readonly batchSize: number;
  private readonly progressIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly abort = new AbortController();
  private background: Promise<void> | undefined;

  constructor(private readonly options: DataReencryptionOptions) {
    quoteIdentifier(options.schema);
    const seen = new Set<string>();
    for (const column of options.columns) {
      for (const name of [column.table, column.column, ...idColumnsOf(column)]) {
        quoteIdentifier(name); // names become SQL: only plain identifiers pass
      }
      const name = `${column.table}.${column.column}`;
      if (seen.has(name)) throw new Error(`encrypted column ${name} is registered twice`);
      if (column.context.length === 0) throw new Error(`encrypted column ${name} has no context`);
      seen.add(name);
    }
    this.batchSize = options.batchSize ?? 200;
    this.progressIntervalMs = options.progressIntervalMs ?? 10_000;
    this.retryDelayMs = options.retryDelayMs ?? 300_000;
  }

  /**
   * Logs which keys are configured (ids only) and, if a rotation is under way (retired keys may
   * still decrypt), starts re-encrypting in the background. Call `stop()` on shutdown either way.
   */
  static startIfKeysRetired(options: DataReencryptionOptions): DataReencryption {
    const job = new DataReencryption(options);
    const keys = options.cipher.describeKeys();
    options.logger.info({ dataKeys: keys }, 'data keys loaded (ids only)');
    if (options.cipher.hasRetiredKeys) job.start();
    return job;
  }

  /** Runs passes in the background until one completes or `stop()` is called. */
  start(): void {
    if (this.background !== undefined || this.abort.signal.aborted) return;
    this.background = this.runUntilComplete().finally(() => {
      this.background = undefined;
    });
  }

  /** Stops between two rows and waits for the pass in flight to end. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.background;
  }

  /** One pass over every registered column; what it did, column by column. */
  async runOnce(): Promise<ReencryptionReport> {
    const { cipher, columns, logger } = this.options;
    const currentKeyId = cipher.currentKeyId;
    const unregistered = await unregisteredEncryptedColumns(
      this.options.dataSource,
      this.options.schema,
      columns,
    );
    for (const name of unregistered) {
      logger.warn({ column: name }, 'encrypted column is not registered for re-encryption');
    }
    const results: ColumnReencryption[] = [];
    for (const column of columns) {
      if (this.isStopped()) break;
      results.push(await this.reencryptColumn(column));
    }
    const stopped = this.isStopped();
    const complete =
      results.length === columns.length &&
      unregistered.length === 0 &&
      results.every((column) => column.remaining === 0);
    return { currentKeyId, columns: results, unregistered, stopped, complete };
  }

  private isStopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async runUntilComplete(): Promise<void> {
    const { logger } = this.options;
    while (!this.isStopped()) {
      try {
        const report = await this.runOnce();
        if (report.complete) {
          logger.info(
            { currentKeyId: report.currentKeyId },
            'data re-encryption complete: every field is under the current key; the retired keys may now be removed',
          );
          return;
        }
        if (report.stopped) return;
        logger.warn(
          {
            currentKeyId: report.currentKeyId,
            remaining: report.columns.filter((column) => column.remaining > 0),
            unregistered: report.unregistered,
            retryInMs: this.retryDelayMs,
          },
          'data re-encryption left fields behind; keep the retired keys and see the counts',
        );
      } catch (error) {
        // Postgres trouble: nothing half-written (each row is one statement); try again later.
        logger.error(
          { err: describeError(error), retryInMs: this.retryDelayMs },
          'data re-encryption pass failed',
        );
      }
      await delay(this.retryDelayMs, this.abort.signal);
    }
  }

  private async reencryptColumn(column: EncryptedColumn): Promise<ColumnReencryption> {
    const { dataSource, cipher, logger } = this.options;
    const manager = dataSource.manager;
    const s = quoteIdentifier(this.options.schema);
    const table = `${s}.${quoteIdentifier(column.table)}`;
    const token = quoteIdentifier(column.column);
    const ids = idColumnsOf(column).map(quoteIdentifier);
    const idList = ids.join(', ');
    const prefix = cipher.currentTokenPrefix;
    // starts_with, not LIKE: a key id may contain "_", a LIKE wildcard.
    const pending = `${token} IS NOT NULL AND NOT starts_with(${token}, $1)`;
    const countPending = async () =>
      (
        await queryRows<{ n: number }>(
          manager,
          `SELECT count(*)::int AS n FROM ${table} WHERE ${pending}`,
          [prefix],
        )
      )[0]?.n ?? 0;

    const total = await countPending();
    const counts = { reencrypted: 0, changedMeanwhile: 0, undecryptable: 0 };
    const where = { table: column.table, column: column.column };
    let lastProgressAt = Date.now();
    const progress = (message: string) => {
      logger.info({ ...where, done: counts.reencrypted, total, ...countsBesides(counts) }, message);
    };
    if (total > 0) progress('re-encrypting column');

    let after: unknown[] | undefined;
    while (total > 0 && !this.isStopped()) {
      const keyset =
        after === undefined
          ? ''
          : ` AND (${idList}) > (${after.map((_, i) => `$${i + 2}`).join(', ')})`;
      const rows = await queryRows<Record<string, unknown>>(
        manager,
        `SELECT ${idList}, ${token} AS token FROM ${table}
          WHERE ${pending}${keyset} ORDER BY ${idList} LIMIT ${this.batchSize}`,
        [prefix, ...(after ?? [])],
      );
      for (const row of rows) {
        if (this.isStopped()) break;
        const id = idColumnsOf(column).map((name) => row[name]);
        after = id;
        let fresh: string;
        try {
          fresh = cipher.reencrypt(row.token as string, column.context);
        } catch (error) {
          if (!(error instanceof FieldDecryptionError)) throw error;
          counts.undecryptable += 1;
          continue;
        }
        const matchId = ids.map((name, i) => `${name} = $${i + 3}`).join(' AND ');
        const written = await queryRows(
          manager,
          `UPDATE ${table} SET ${token} = $1 WHERE ${token} = $2 AND ${matchId} RETURNING 1`,
          [fresh, row.token, ...id],
        );
        if (written.length === 1) counts.reencrypted += 1;
        else counts.changedMeanwhile += 1;
      }
      if (rows.length < this.batchSize) break;
      if (Date.now() - lastProgressAt >= this.progressIntervalMs) {
        lastProgressAt = Date.now();
        progress('re-encrypting column');
      }
    }

    const remaining = await countPending();
    if (total > 0) progress(this.isStopped() ? 're-encryption stopped' : 'column re-encrypted');
    if (counts.undecryptable > 0) {
      logger.warn(
        { ...where, undecryptable: counts.undecryptable },
        'fields no configured key opens were left as they are',
      );
    }
    return { ...where, total, ...counts, remaining };
  }
}

/**
 * `table.column` of every column of `schema` named `*_encrypted` that `columns` does not list:
 * a migration added encrypted data the re-encryption would not reach.
 */
export async function unregisteredEncryptedColumns(
  dataSource: DataSource,
  schema: string,
  columns: readonly EncryptedColumn[],
): Promise<string[]> {
  const registered = new Set(columns.map((column) => `${column.table}.${column.column}`));
  const found = await queryRows<{ name: string }>(
    dataSource.manager,
    `SELECT table_name || '.' || column_name AS name FROM information_schema.columns
      WHERE table_schema = $1 AND column_name LIKE '%\\_encrypted'
      ORDER BY table_name, column_name`,
    [schema],
  );
  return found.map((row) => row.name).filter((name) => !registered.has(name));
}

/**
 * What is wrong with a service's list of encrypted columns against its migrated schema: an
 * `*_encrypted` column not listed, a listed column that does not exist, or a listed `idColumn`
 * that is not the table's primary key (keyset pagination needs a unique, ordered key). Empty
 * when the list is right; each service's encrypted-columns.int-spec.ts expects that.
 */
export async function encryptedColumnRegistryProblems(
  dataSource: DataSource,
  schema: string,
  columns: readonly EncryptedColumn[],
): Promise<string[]> {
  const problems = (await unregisteredEncryptedColumns(dataSource, schema, columns)).map(
    (name) => `${name} is not registered`,
  );
  const existing = new Set(
    (
      await queryRows<{ name: string }>(
        dataSource.manager,
        `SELECT table_name || '.' || column_name AS name FROM information_schema.columns
          WHERE table_schema = $1`,
        [schema],
      )
    ).map((row) => row.name),
  );
  for (const column of columns) {
    const name = `${column.table}.${column.column}`;
    if (!existing.has(name)) {
      problems.push(`${name} is registered but not in the schema`);
      continue;
    }
    const keys = await queryRows<{ name: string }>(
      dataSource.manager,
      `SELECT a.attname AS name
         FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = to_regclass($1) AND i.indisprimary
        ORDER BY array_position(i.indkey::int2[], a.attnum)`,
      [`${quoteIdentifier(schema)}.${quoteIdentifier(column.table)}`],
    );
    const primaryKey = keys.map((key) => key.name).join(', ');
    if (primaryKey !== idColumnsOf(column).join(', ')) {
      problems.push(
        `${name}: idColumn ${idColumnsOf(column).join(', ')} is not the primary key (${primaryKey || 'none'})`,
      );
    }
  }
  return problems;
}

function idColumnsOf(column: EncryptedColumn): readonly string[] {
  return typeof column.idColumn === 'string' ? [column.idColumn] : column.idColumn;
}

function countsBesides(counts: { changedMeanwhile: number; undecryptable: number }) {
  return {
    ...(counts.changedMeanwhile > 0 ? { changedMeanwhile: counts.changedMeanwhile } : {}),
    ...(counts.undecryptable > 0 ? { undecryptable: counts.undecryptable } : {}),
  };
}

/** Name and message only: nothing here carries personal data, stacks are not needed. */
function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
