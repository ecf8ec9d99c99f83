import { type Kickable, withOutbox } from '@harbour/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import { RequestRejected } from '../application/request-rejected';
import type { IdempotencyRecords, StoredResponse } from './idempotency';

/** The caller's Idempotency-Key and the hash of the request it was sent with. */
export interface RequestIdempotency {
  key: string;
  hash: string;
}

export interface CommandResult {
  response: StoredResponse;
  replayed: boolean;
}

/**
 * Runs a command in one transaction with the outbox, honouring Idempotency-Key: the claim, the
 * state change, the outbox rows and the stored response commit together, so a retried POST gets
 * the first answer and nothing is published twice. A refusal (`RequestRejected`) rolls all back.
 */
export class IdempotentTransaction {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: Kickable,
    private readonly records: IdempotencyRecords,
  ) {}

  run(
    organisationId: string,
    idempotency: RequestIdempotency | undefined,
    work: (manager: EntityManager) => Promise<StoredResponse>,
  ): Promise<CommandResult> {
    return withOutbox(this.dataSource, this.relay, async (manager) => {
      if (idempotency) {
        const claim = await this.records.claim(
          manager,
          organisationId,
          idempotency.key,
          idempotency.hash,
        );
        if (claim.kind === 'mismatch') {
          throw new RequestRejected({ kind: 'idempotency_key_reused' });
        }
        if (claim.kind === 'replay') return { response: claim.response, replayed: true };
      }
      const response = await work(manager);
      if (idempotency) {
        await this.records.complete(manager, organisationId, idempotency.key, response);
      }
      return { response, replayed: false };
    });
  }
}
