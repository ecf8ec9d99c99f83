import { createHash } from 'node:crypto';
import { Client } from 'pg';

/** A parameterised statement is prepared by name once this process has run its text this often. */
export const PREPARE_AFTER_RUNS = 3;

/**
 * Distinct statement texts counted per process. Texts past it always run unnamed, so statements
 * built with a varying number of parameters can never grow this map (or the server's set of
 * prepared statements per connection) without bound.
 */
export const MAX_COUNTED_STATEMENTS = 2_000;

/**
 * The statement texts this process has seen, and the name of each one run often enough to be
 * prepared. Shared by every connection: a text repeated across connections is a hot statement.
 */
export class StatementNames {
  private readonly runs = new Map<string, number>();
  private readonly names = new Map<string, string>();
  /** Texts whose prepared form Postgres refused after a table changed: always unnamed now. */
  private readonly unnamed = new Set<string>();

  constructor(
    private readonly prepareAfterRuns = PREPARE_AFTER_RUNS,
    private readonly maxCounted = MAX_COUNTED_STATEMENTS,
  ) {}

  /** The name to prepare `text` under, or undefined to run it unnamed this time. */
  nameFor(text: string): string | undefined {
    const named = this.names.get(text);
    if (named !== undefined) return named;
    if (this.unnamed.has(text)) return undefined;
    const seen = this.runs.get(text);
    const counted = this.runs.size + this.names.size + this.unnamed.size;
    if (seen === undefined && counted >= this.maxCounted) return undefined;
    const runs = (seen ?? 0) + 1;
    if (runs < this.prepareAfterRuns) {
      this.runs.set(text, runs);
      return undefined;
    }
    this.runs.delete(text);
    // A digest of the text: pg refuses one name for two texts, and a digest never collides in
    // practice. Postgres names are at most 63 bytes; this one is 33.
    const name = `h${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    this.names.set(text, name);
    return name;
  }

  /**
   * Never prepares `text` again in this process. For a statement whose result columns changed
   * under it (`SELECT *` from a table a migration just widened): Postgres refuses to run the
   * prepared form on every connection that holds it, and the unnamed form is planned afresh.
   */
  neverPrepare(text: string): void {
    if (this.names.delete(text)) this.unnamed.add(text);
  }

  /** How many texts are prepared by name (for tests and diagnostics). */
  get preparedCount(): number {
    return this.names.size;
  }
}

const processStatementNames = new StatementNames();

/**
 * A pg client that runs repeated parameterised statements as named prepared statements: Postgres
 * parses, analyses and plans such a statement once per connection instead of on every run.
 * Measured on a three-table join by primary key, the backend spent about 250 µs of CPU a run
 * unnamed and under 30 µs prepared; most of Harbour's statements are that kind, run thousands of
 * times (ADR-41). Postgres still chooses between a generic and a per-run plan as it does for any
 * prepared statement, and re-plans after a migration changes a table; a statement whose result
 * columns a migration changed fails once and is never prepared again in the process.
 *
 * Only calls made as TypeORM makes them are changed — `query(text, values)` with at least one
 * value — and only for texts seen `PREPARE_AFTER_RUNS` times; statements without parameters
 * (BEGIN, COMMIT, SET …) keep the simple protocol. Used through the pool's `Client` option. A
 * connection pooler that shares server sessions between clients (pgbouncer in transaction mode)
 * does not keep prepared statements and is not supported (ADR-41).
 */
export class PreparingClient extends Client {}

// Assigned rather than declared with `override`: pg's typings give `query` a dozen overloads.
// Client.prototype.query is looked up on every call, so tracing's patch of it still applies.
PreparingClient.prototype.query = function query(this: Client, ...args: unknown[]): unknown {
  const sent = namedWhenRepeated(args);
  const result = (Client.prototype.query as (...a: unknown[]) => unknown).apply(this, sent);
  if (sent === args || !(result instanceof Promise)) return result;
  return result.catch((error: unknown) => {
    // This run fails like any database error (consumers retry, a request answers 500 once);
    // later runs of the text go unnamed and succeed.
    if (isStalePreparedStatement(error)) processStatementNames.neverPrepare(args[0] as string);
    throw error;
  });
} as Client['query'];

/**
 * Postgres' refusal to run a prepared statement whose result columns changed since it was
 * prepared (SQLSTATE 0A000, "cached plan must not change result type"): a migration added a
 * column to a table a running process reads with `SELECT *`, as in a rolling deployment.
 */
export function isStalePreparedStatement(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '0A000' && typeof message === 'string' && message.includes('cached plan');
}

/** `[text, values, …rest]` as `[{ name, text, values }, …rest]` once the text is a repeated one. */
export function namedWhenRepeated(
  args: unknown[],
  statementNames: StatementNames = processStatementNames,
): unknown[] {
  const [text, values, ...rest] = args;
  if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0) return args;
  const name = statementNames.nameFor(text);
  return name === undefined ? args : [{ name, text, values }, ...rest];
}

/** DataSource `extra` that makes the pool's connections `PreparingClient`s. */
export const PREPARED_STATEMENT_POOL = { Client: PreparingClient } as const;
