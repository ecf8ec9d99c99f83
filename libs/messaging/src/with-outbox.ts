import type { DataSource, EntityManager } from 'typeorm';

/** What `withOutbox` needs of a relay. */
export interface Kickable {
  kick(): Promise<void>;
}

/**
 * Runs `work` in one transaction (state change + `outbox.add`) and, once it has committed, asks
 * the relay to publish. If the process dies between the two, the relay's sweep publishes later.
 */
export async function withOutbox<T>(
  dataSource: DataSource,
  relay: Kickable,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const result = await dataSource.transaction(work);
  void relay.kick();
  return result;
}
