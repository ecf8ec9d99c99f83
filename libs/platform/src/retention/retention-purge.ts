import type { DataSource, EntityManager } from 'typeorm';
import { systemActor } from '../audit/audit-entry';
import { AuditLog } from '../audit/audit-log';
import { queryRows } from '../database/query-rows';
import { schemaOf } from '../database/schema-of';
import { quoteIdentifier } from '../database/sql-identifier';
import type { Logger } from '../logging/logger';
import type { RetentionSettings } from './retention-config';
import {
  type RetentionDependent,
  type RetentionKeyType,
  type RetentionPolicy,
  type RetentionRule,
  retentionCutoff,
} from './retention-rule';

export interface RetentionPurgeOptions {
  dataSource: DataSource;
  policy: RetentionPolicy;
  settings: RetentionSettings;
  logger: Logger;
  /** The clock (tests move it); defaults to the system clock. */
  now?: () => Date;
  /** Delay before the first timed run; defaults to a minute (or the interval, if shorter). */
  firstRunDelayMs?: number;
}

/** What one run did: records purged per kind (every kind named, zeros included). */
export interface RetentionRun {
  counts: Record<string, number>;
  total: number;
  /** The audit entry recording the run; null when nothing was purged (nothing to account for). */
  auditSeq: number | null;
  /** Some kind hit the batch size: more are due, and the job runs again at once. */
  more: boolean;
}

/** SQL types a key may have (a fixed list: the type is written into the SQL). */
const KEY_TYPES: Readonly<Record<RetentionKeyType, string>> = {
  uuid: 'uuid',
  bigint: 'bigint',
  text: 'text',
  tid: 'tid',
};

/** Runs after a full batch before waiting for the next tick, so one tick stays bounded. */
const MAX_CONSECUTIVE_RUNS = 20;

/**
 * Purges what a service's retention policy says is due. One run is one transaction: for each kind
 * in order it claims at most `batchSize` due records (`FOR UPDATE SKIP LOCKED`, oldest clock
 * first), deletes or erases them, and, when anything was purged, appends one audit entry with the
 * counts per kind — so the purge and its record commit together or not at all. Several instances
 * may run at once: each claims different rows and records its own counts. Logs carry counts only.
 */
export class RetentionPurge {
  private readonly schema: string;
  private readonly audit: AuditLog;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private running = false;

  constructor(private readonly options: RetentionPurgeOptions) {
    this.schema = quoteIdentifier(schemaOf(options.dataSource) ?? 'public');
    this.audit = new AuditLog(options.dataSource);
    this.now = options.now ?? (() => new Date());
    for (const rule of options.policy.rules) {
      if (options.settings.periods[rule.kind] === undefined) {
        throw new Error(`no retention period configured for ${rule.kind}`);
      }
    }
  }

  /** Runs on its timer until `stop()`; a failed run is logged and tried again next time. */
  start(): void {
    if (this.running || !this.options.settings.enabled) return;
    this.running = true;
    const interval = this.options.settings.intervalMinutes * 60_000;
    this.schedule(this.options.firstRunDelayMs ?? Math.min(60_000, interval));
  }

  /** Stops the timer and waits for a run in flight to commit or roll back. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One run now (tests, operators): purges at most a batch of each kind. */
  async runOnce(reason = 'scheduled retention purge'): Promise<RetentionRun> {
    const started = Date.now();
    const now = this.now();
    const { policy, settings } = this.options;
    const run = await this.options.dataSource.transaction(async (manager) => {
      // Rules name other tables of the schema unqualified (clock subqueries); this run only.
      await manager.query(`SET LOCAL search_path TO ${this.schema}`);
      const counts: Record<string, number> = {};
      for (const rule of policy.rules) {
        const days = settings.periods[rule.kind] ?? rule.defaultDays;
        counts[rule.kind] = await this.purgeKind(manager, rule, retentionCutoff(now, days), now);
      }
      const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
      let auditSeq: number | null = null;
      if (total > 0) {
        const entry = await this.audit.append(manager, {
          actor: systemActor(policy.service),
          action: 'retention.purge',
          resource: { kind: 'retention_policy', id: policy.service },
          reason,
          details: {
            counts: Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0)),
            periodDays: Object.fromEntries(
              policy.rules.map((rule) => [rule.kind, settings.periods[rule.kind] ?? 0]),
            ),
          },
        });
        auditSeq = entry.seq;
      }
      const more = Object.values(counts).some((count) => count >= settings.batchSize);
      return { counts, total, auditSeq, more };
    });
    const fields = { counts: run.counts, total: run.total, durationMs: Date.now() - started };
    if (run.total > 0) this.options.logger.info(fields, 'retention purge run');
    else this.options.logger.debug(fields, 'retention purge run: nothing due');
    return run;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.tick().finally(() => {
        this.inFlight = undefined;
        this.schedule(this.options.settings.intervalMinutes * 60_000);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    for (let runs = 0; runs < MAX_CONSECUTIVE_RUNS && this.running; runs += 1) {
      try {
        const run = await this.runOnce();
        if (!run.more) return;
      } catch (error) {
        // Rolled back: nothing was purged and nothing recorded; the next tick tries again.
        this.options.logger.error({ err: describe(error) }, 'retention purge run failed');
        return;
      }
    }
  }

  private async purgeKind(
    manager: EntityManager,
    rule: RetentionRule,
    cutoff: Date,
    now: Date,
  ): Promise<number> {
    const table = `${this.schema}.${quoteIdentifier(rule.table)}`;
    const key = quoteIdentifier(rule.key);
    const conditions = [`(${rule.clockStarts}) < $1`];
    if (rule.where !== undefined) conditions.push(`(${rule.where})`);
    if (rule.action.type === 'erase') {
      conditions.push(`t.${quoteIdentifier(rule.action.erasedAtColumn)} IS NULL`);
    }
    // Locked until the run commits; rows another instance holds are left to it.
    const keyType = KEY_TYPES[rule.keyType ?? 'uuid'];
    const due = await queryRows<{ key: string }>(
      manager,
      `SELECT t.${key}::text AS key FROM ${table} t
        WHERE ${conditions.join(' AND ')}
        ORDER BY (${rule.clockStarts}), t.${key}
        LIMIT $2
        FOR UPDATE OF t SKIP LOCKED`,
      [cutoff, this.options.settings.batchSize],
    );
    if (due.length === 0) return 0;
    const keys = due.map((row) => row.key);
    const keyMatch = `t.${key} = ANY($1::${keyType}[])`;
    for (const dependent of rule.action.dependents ?? []) {
      await this.deleteDependents(manager, dependent, keyType, keys);
    }
    if (rule.action.type === 'delete') {
      await manager.query(`DELETE FROM ${table} t WHERE ${keyMatch}`, [keys]);
    } else {
      const assignments = Object.entries(rule.action.set).map(
        ([column, value]) => `${quoteIdentifier(column)} = ${value}`,
      );
      assignments.push(`${quoteIdentifier(rule.action.erasedAtColumn)} = $2`);
      await manager.query(`UPDATE ${table} t SET ${assignments.join(', ')} WHERE ${keyMatch}`, [
        keys,
        now,
      ]);
    }
    return keys.length;
  }

  private async deleteDependents(
    manager: EntityManager,
    dependent: RetentionDependent,
    keyType: string,
    keys: readonly string[],
  ): Promise<void> {
    const table = `${this.schema}.${quoteIdentifier(dependent.table)}`;
    const where = [`d.${quoteIdentifier(dependent.column)} = ANY($1::${keyType}[])`];
    if (dependent.where !== undefined) where.push(`(${dependent.where})`);
    await manager.query(`DELETE FROM ${table} d WHERE ${where.join(' AND ')}`, [keys]);
  }
}

/** Name and message only: a failed statement's message names tables, never values. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
