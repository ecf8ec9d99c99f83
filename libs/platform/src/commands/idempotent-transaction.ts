import type { OrganisationRef } from '@harbour/contracts';
import { type Kickable, withOutbox } from '@harbour/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../identity/principal';
import type { RequestIdempotency } from './idempotency-key';
import type { IdempotencyRecords } from './idempotency-records';
import { RequestRejected } from './request-rejected';
import type { StoredResponse } from './stored-response';

/** Who runs a command, under which Idempotency-Key, and when (now, unless the caller fixed it). */
export interface CommandContext {
  principal: Principal;
  idempotency: RequestIdempotency | undefined;
  now?: Date;
}

/** What a command's work records as its time and author. */
export interface CommandStamp {
  now: Date;
  by: OrganisationRef;
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
    context: CommandContext,
    work: (manager: EntityManager, stamp: CommandStamp) => Promise<StoredResponse>,
  ): Promise<CommandResult> {
    const { principal, idempotency } = context;
    const { organisationId } = principal;
    const stamp: CommandStamp = {
      now: context.now ?? new Date(),
      by: { organisationId, organisationKind: principal.organisationKind },
    };
    return withOutbox(this.dataSource, this.relay, async (manager) => {
      if (idempotency) {
        const claim = await this.records.claim(manager, organisationId, idempotency);
        if (claim.kind === 'mismatch') {
          throw new RequestRejected({ kind: 'idempotency_key_reused' });
        }
        if (claim.kind === 'replay') return { response: claim.response, replayed: true };
      }
      const response = await work(manager, stamp);
      if (idempotency) {
        await this.records.complete(manager, organisationId, idempotency.key, response);
      }
      return { response, replayed: false };
    });
  }
}
