const SAFE_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Quotes a schema or table name for SQL. Names come from configuration, not from requests, but
 * we still accept only plain lower-case identifiers so a typo cannot become SQL.
 */
export function quoteIdentifier(name: string): string {
  if (!SAFE_IDENTIFIER.test(name)) {
    throw new Error(`"${name}" is not a plain lower-case SQL identifier`);
  }
  return `"${name}"`;
}
