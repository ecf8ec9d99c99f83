import type { EntityManager } from 'typeorm';

/**
 * Runs SQL through `manager` (inside its transaction when it has one) and returns the rows —
 * for UPDATE … RETURNING too, where TypeORM's plain `query` returns a [rows, count] pair.
 */
export async function queryRows<T>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const inTransaction = manager.queryRunner;
  if (inTransaction !== undefined && !inTransaction.isReleased) {
    return (await inTransaction.query(sql, parameters, true)).records as T[];
  }
  const runner = manager.dataSource.createQueryRunner();
  try {
    return (await runner.query(sql, parameters, true)).records as T[];
  } finally {
    await runner.release();
  }
}
