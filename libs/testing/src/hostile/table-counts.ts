import type { Client } from 'pg';
import { quoteIdentifier } from './quote-identifier';

/** What the snapshot helpers need of a database client. */
export type Queryable = Pick<Client, 'query'>;

/**
 * The number of rows in each table of a schema (or only `tables`), in one round trip: what a
 * refused request must leave as it found it.
 */
export async function tableCounts(
  db: Queryable,
  schema: string,
  tables?: readonly string[],
): Promise<Record<string, number>> {
  const names =
    tables ??
    (
      await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
          WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
        [schema],
      )
    ).rows.map((row) => row.table_name);
  if (names.length === 0) return {};
  const s = quoteIdentifier(schema);
  const { rows } = await db.query<{ t: string; n: number }>(
    names
      .map(
        (name, i) =>
          `SELECT $${i + 1}::text AS t, count(*)::int AS n FROM ${s}.${quoteIdentifier(name)}`,
      )
      .join(' UNION ALL '),
    [...names],
  );
  return Object.fromEntries(rows.map((row) => [row.t, row.n]));
}
