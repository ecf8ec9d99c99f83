/** A Postgres identifier, quoted (test schema and table names come from the tests themselves). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
