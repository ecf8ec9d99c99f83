/**
 * Schema names are interpolated into SQL (identifiers cannot be bound as parameters), so they
 * are checked to be plain identifiers first.
 */
export function quoteSchema(schema: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`Invalid schema name: ${JSON.stringify(schema)}`);
  }
  return `"${schema}"`;
}

export const outboxTable = (schema: string): string => `${quoteSchema(schema)}.outbox`;
export const inboxTable = (schema: string): string => `${quoteSchema(schema)}.inbox`;
