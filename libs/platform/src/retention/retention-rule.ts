/**
 * A retention rule: one kind of record a service owns, when its retention clock starts, how long
 * it is kept after that, and what purging it does. Rules are data; `RetentionPurge` turns them
 * into bounded, lock-skipping SQL. Table and column names are written by the service in code,
 * never taken from configuration or requests.
 */
export interface RetentionRule {
  /** Stable name used in configuration errors, logs and the audit entry (`referral.nrm_adult`). */
  kind: string;
  /** What the records are, for people reading the policy. */
  description: string;
  /** The table in the service's schema (unquoted, plain lower-case identifier). */
  table: string;
  /**
   * Its single-column primary key (or a unique, not-null column); `ctid` for a table with a
   * composite key and no dependents (the claimed rows stay locked, so their ctid holds).
   */
  key: string;
  /** The key's SQL type, so batches are matched through the key's index. Default `uuid`. */
  keyType?: RetentionKeyType;
  /**
   * SQL over the alias `t` that selects this kind among the table's rows
   * (`t.mechanism = 'nrm'`); omit when the whole table is this kind.
   */
  where?: string;
  /**
   * SQL over the alias `t` giving the instant the clock starts (other tables of the service's
   * schema may be named unqualified: the run sets the search path to it): NULL while the record is open or
   * active, so an open record is never due, whatever its age.
   */
  clockStarts: string;
  /** The same in words (`the Conclusive Grounds decision was recorded`). */
  clockStartsWhen: string;
  /** Environment variable that overrides the period (whole days). */
  variable: string;
  defaultDays: number;
  /**
   * The shortest period that keeps the service working (default 1), and why: a shorter value is
   * refused at start rather than silently breaking, e.g., de-duplication.
   */
  minimum?: { days: number; because: string };
  action: PurgeAction;
}

export type RetentionKeyType = 'uuid' | 'bigint' | 'text' | 'tid';

/**
 * `delete`: the row goes, after the rows of `dependents` that reference it (so no foreign key
 * breaks). `erase`: the personal columns are overwritten by `set` and the row stays as a
 * statistical shell, stamped in `erasedAtColumn` so it is never erased twice; `dependents` rows
 * (blind indexes, free-text entries) are deleted.
 */
export type PurgeAction =
  | { type: 'delete'; dependents?: readonly RetentionDependent[] }
  | {
      type: 'erase';
      /** Column name → SQL expression over `t` (`NULL`, `'[]'::jsonb`). */
      set: Readonly<Record<string, string>>;
      erasedAtColumn: string;
      dependents?: readonly RetentionDependent[];
    };

/** Rows of `table` whose `column` holds the purged record's key. */
export interface RetentionDependent {
  table: string;
  column: string;
  /** Extra SQL over `d` narrowing which referencing rows belong to this record. */
  where?: string;
}

/** A service's retention policy: its rules, run in order (dependents before what they follow). */
export interface RetentionPolicy {
  /** The service, as the audit actor and in logs (`intake`). */
  service: string;
  rules: readonly RetentionRule[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The instant before which a record's clock must have started for it to be due: a record whose
 * clock started at T is due from T + period on.
 */
export function retentionCutoff(now: Date, periodDays: number): Date {
  return new Date(now.getTime() - periodDays * DAY_MS);
}

/** Whether a record whose clock started at `clockStartedAt` (null: still open) is due at `now`. */
export function isDueForPurge(clockStartedAt: Date | null, periodDays: number, now: Date): boolean {
  if (clockStartedAt === null) return false;
  return clockStartedAt.getTime() < retentionCutoff(now, periodDays).getTime();
}
