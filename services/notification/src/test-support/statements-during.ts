import { Client } from 'pg';

/**
 * Every statement the pg driver sends while `work` runs (BEGIN and COMMIT included): each is a
 * round trip to Postgres. Counted on the driver's client, under TypeORM, so nothing is left out.
 * Statements of anything else running in the process at the time are counted too: measure one
 * piece of work at a time.
 */
export async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const statements: string[] = [];
  const prototype = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = prototype.query;
  prototype.query = function (this: Client, ...args: unknown[]) {
    const [first] = args;
    const text = typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text;
    statements.push((text ?? '').replace(/\s+/g, ' ').trim());
    return query.apply(this, args);
  };
  try {
    await work();
  } finally {
    prototype.query = query;
  }
  return statements;
}
