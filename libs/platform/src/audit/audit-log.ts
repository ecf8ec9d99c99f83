import type { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows';
import { schemaOf } from '../database/schema-of';
import { quoteIdentifier } from '../database/sql-identifier';
import type { AuditActor, AuditDetails, AuditEntry, NewAuditEntry } from './audit-entry';
import { auditHash, type ChainBreak, chainBreakOf, GENESIS_HASH } from './audit-hash';

/** Which entries to read; every filter is optional. */
export interface AuditFilter {
  /** Entries at or after this instant. */
  from?: Date;
  /** Entries before this instant. */
  to?: Date;
  /** An exact action, or a family ending in `.` (`key.`, `directory.`). */
  action?: string;
  resourceKind?: string;
  resourceId?: string;
}

export interface AuditPageRequest extends AuditFilter {
  /** Only entries older than this seq (the `next` of the page before). */
  beforeSeq?: number;
  limit: number;
}

/** Newest first; `next` is the cursor of the following page, null on the last. */
export interface AuditPage {
  entries: AuditEntry[];
  next: number | null;
}

/** What a walk of the chain found. */
export type AuditVerification =
  | { intact: true; entries: number; head: { seq: number; hash: string } }
  | {
      intact: false;
      /** The first entry that does not hold (or that the head says should be there). */
      brokenSeq: number;
      problem: ChainBreak | 'missing' | 'head' | 'anchor';
      /** Entries checked before the break. */
      entries: number;
    };

/** A seq and the hash it had when someone wrote it down (an earlier export or verify). */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

interface AuditRow {
  seq: string;
  at: Date;
  actor: AuditActor;
  action: string;
  resource_kind: string;
  resource_id: string;
  reason: string;
  details: AuditDetails;
  prev_hash: string;
  hash: string;
}

const COLUMNS =
  'seq, at, actor, action, resource_kind, resource_id, reason, details, prev_hash, hash';

const VERIFY_BATCH = 1000;

/**
 * The audit chain of one schema (`createAuditLogTables` made it): appended to inside the
 * transaction of the effect it records, so an entry exists if and only if its effect committed;
 * read newest first, exported oldest first, and verified by walking it.
 */
export class AuditLog {
  private readonly log: string;
  private readonly head: string;

  constructor(private readonly dataSource: DataSource) {
    const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.log = `${schema}.audit_log`;
    this.head = `${schema}.audit_chain_head`;
  }

  /**
   * Appends through `manager`, which must be in a transaction (use `withinTransaction`): the
   * chain head stays locked until that transaction ends, so concurrent appends take turns and
   * each links to the one committed before it; a rollback takes the entry and the head back.
   */
  async append(manager: EntityManager, entry: NewAuditEntry): Promise<AuditEntry> {
    const runner = manager.queryRunner;
    if (runner === undefined || runner.isReleased || !runner.isTransactionActive) {
      throw new Error('audit entries are appended in the transaction of the change they record');
    }
    const [head] = await queryRows<{ seq: string; hash: string }>(
      manager,
      `SELECT seq, hash FROM ${this.head} FOR UPDATE`,
    );
    if (head === undefined) throw new Error(`${this.head} has no row: run the migrations`);
    // Taken after the lock, from the database's clock, to the millisecond a JS Date keeps.
    const [clock] = await queryRows<{ at: Date }>(
      manager,
      `SELECT date_trunc('milliseconds', clock_timestamp()) AS at`,
    );
    if (clock === undefined) throw new Error('no time from Postgres');
    const stored: AuditEntry = {
      seq: toSeq(head.seq) + 1,
      at: clock.at,
      actor: entry.actor,
      action: entry.action,
      resource: { kind: entry.resource.kind, id: entry.resource.id },
      reason: entry.reason,
      details: entry.details ?? {},
      prevHash: head.hash,
      hash: '',
    };
    stored.hash = auditHash(stored.prevHash, stored);
    await queryRows(
      manager,
      `WITH appended AS (
         INSERT INTO ${this.log} (${COLUMNS})
         VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8::jsonb, $9, $10)
         RETURNING seq, hash
       )
       UPDATE ${this.head} SET seq = appended.seq, hash = appended.hash FROM appended`,
      [
        stored.seq,
        stored.at,
        JSON.stringify(stored.actor),
        stored.action,
        stored.resource.kind,
        stored.resource.id,
        stored.reason,
        JSON.stringify(stored.details),
        stored.prevHash,
        stored.hash,
      ],
    );
    return stored;
  }

  /** One page, newest first. */
  async page(request: AuditPageRequest): Promise<AuditPage> {
    const { where, parameters } = filterSql(request);
    if (request.beforeSeq !== undefined) {
      parameters.push(request.beforeSeq);
      where.push(`seq < $${parameters.length}`);
    }
    parameters.push(request.limit + 1);
    const rows = await queryRows<AuditRow>(
      this.dataSource.manager,
      `SELECT ${COLUMNS} FROM ${this.log}
        ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
        ORDER BY seq DESC LIMIT $${parameters.length}`,
      parameters,
    );
    const entries = rows.slice(0, request.limit).map(toEntry);
    const last = entries.at(-1);
    return { entries, next: rows.length > request.limit && last ? last.seq : null };
  }

  /** Every matching entry, oldest first, read in batches (for export). */
  async *entries(filter: AuditFilter = {}, batchSize = VERIFY_BATCH): AsyncGenerator<AuditEntry> {
    let after = 0;
    for (;;) {
      const batch = await this.batchAfter(after, batchSize, filter);
      yield* batch;
      const last = batch.at(-1);
      if (last === undefined || batch.length < batchSize) return;
      after = last.seq;
    }
  }

  /**
   * Walks the chain up to the head as it was when the walk began (later appends are left for
   * the next walk) and reports the first entry that does not hold: a seq out of order, a
   * `prev_hash` that is not the previous entry's hash, a hash that does not match the entry's
   * contents, entries the head says exist but are gone, or an anchor whose hash has changed
   * (a chain rewritten from some entry on, hashes and all, by someone able to disable triggers).
   */
  async verify(anchors: readonly AuditAnchor[] = []): Promise<AuditVerification> {
    const [headRow] = await queryRows<{ seq: string; hash: string }>(
      this.dataSource.manager,
      `SELECT seq, hash FROM ${this.head}`,
    );
    if (headRow === undefined) throw new Error(`${this.head} has no row: run the migrations`);
    const head = { seq: toSeq(headRow.seq), hash: headRow.hash };
    const anchored = new Map(anchors.map((anchor) => [anchor.seq, anchor.hash]));
    let previous: Pick<AuditEntry, 'seq' | 'hash'> | null = null;
    let checked = 0;
    for (;;) {
      const batch = await this.batchAfter(previous?.seq ?? 0, VERIFY_BATCH, {}, head.seq);
      for (const entry of batch) {
        const problem = chainBreakOf(entry, previous);
        // A gap means the entry expected here is missing: that seq is the first broken one.
        if (problem !== null) {
          const brokenSeq = problem === 'gap' ? (previous?.seq ?? 0) + 1 : entry.seq;
          return { intact: false, brokenSeq, problem, entries: checked };
        }
        const expected = anchored.get(entry.seq);
        if (expected !== undefined && expected !== entry.hash) {
          return { intact: false, brokenSeq: entry.seq, problem: 'anchor', entries: checked };
        }
        previous = entry;
        checked += 1;
      }
      if (batch.length < VERIFY_BATCH) break;
    }
    const lastSeq = previous?.seq ?? 0;
    if (lastSeq < head.seq) {
      return { intact: false, brokenSeq: lastSeq + 1, problem: 'missing', entries: checked };
    }
    if ((previous?.hash ?? GENESIS_HASH) !== head.hash) {
      return { intact: false, brokenSeq: head.seq, problem: 'head', entries: checked };
    }
    const missingAnchor = anchors.find((anchor) => anchor.seq > head.seq);
    if (missingAnchor !== undefined) {
      return { intact: false, brokenSeq: missingAnchor.seq, problem: 'anchor', entries: checked };
    }
    return { intact: true, entries: checked, head };
  }

  private async batchAfter(
    afterSeq: number,
    limit: number,
    filter: AuditFilter,
    upToSeq?: number,
  ): Promise<AuditEntry[]> {
    const { where, parameters } = filterSql(filter);
    parameters.push(afterSeq);
    where.push(`seq > $${parameters.length}`);
    if (upToSeq !== undefined) {
      parameters.push(upToSeq);
      where.push(`seq <= $${parameters.length}`);
    }
    parameters.push(limit);
    const rows = await queryRows<AuditRow>(
      this.dataSource.manager,
      `SELECT ${COLUMNS} FROM ${this.log} WHERE ${where.join(' AND ')}
        ORDER BY seq LIMIT $${parameters.length}`,
      parameters,
    );
    return rows.map(toEntry);
  }
}

/** Checks a schema's chain: `verifyAuditChain(dataSource)` ≡ `new AuditLog(dataSource).verify()`. */
export function verifyAuditChain(
  dataSource: DataSource,
  anchors: readonly AuditAnchor[] = [],
): Promise<AuditVerification> {
  return new AuditLog(dataSource).verify(anchors);
}

function filterSql(filter: AuditFilter): { where: string[]; parameters: unknown[] } {
  const where: string[] = [];
  const parameters: unknown[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown): void => {
    parameters.push(value);
    where.push(sql(`$${parameters.length}`));
  };
  if (filter.from !== undefined) add((p) => `at >= ${p}`, filter.from);
  if (filter.to !== undefined) add((p) => `at < ${p}`, filter.to);
  if (filter.action !== undefined) {
    if (filter.action.endsWith('.')) {
      add((p) => `starts_with(action, ${p})`, filter.action);
    } else {
      add((p) => `action = ${p}`, filter.action);
    }
  }
  if (filter.resourceKind !== undefined) add((p) => `resource_kind = ${p}`, filter.resourceKind);
  if (filter.resourceId !== undefined) add((p) => `resource_id = ${p}`, filter.resourceId);
  return { where, parameters };
}

function toSeq(value: string): number {
  const seq = Number(value);
  if (!Number.isSafeInteger(seq)) throw new Error(`audit seq ${value} is out of range`);
  return seq;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: toSeq(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    resource: { kind: row.resource_kind, id: row.resource_id },
    reason: row.reason,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
