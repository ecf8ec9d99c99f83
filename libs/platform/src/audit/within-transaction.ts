import type { EntityManager } from 'typeorm';

/**
 * Runs `work` in `manager`'s transaction when it has one, else in a new transaction: a change
 * and its audit entry always commit (or roll back) together, whichever way the caller came in.
 */
export async function withinTransaction<T>(
  manager: EntityManager,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = manager.queryRunner;
  if (runner !== undefined && !runner.isReleased && runner.isTransactionActive) {
    return work(manager);
  }
  return manager.transaction(work);
}
