import type {
  EventPayloads,
  EventType,
  OperationCancellationBody,
  OperationOutcomeBody,
  OperationUpdateBody,
} from '@harbour/contracts';
import type { Outbox } from '@harbour/messaging';
import {
  type CommandContext,
  type CommandResult,
  type CommandStamp,
  type IdempotentTransaction,
  RequestRejected,
  type StoredResponse,
} from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import { servesBorough } from '../access/borough-access';
import { acceptedChange } from '../application/accepted-change';
import { intakeEvent } from '../application/intake-event';
import { operationDetails } from '../domain/operation';
import { cancelOperation, recordOutcome } from '../domain/operation-lifecycle';
import { reviseOperation } from '../domain/operation-update';
import type { OperationRecord, OperationRepository } from './operation-repository';
import { isPlanner } from './operation-view';
import { redactWelfareSummary } from './welfare-redaction';

/** What a step writes: the state change, its event and the 201 body. */
interface Step<T extends EventType> {
  apply(manager: EntityManager): Promise<void>;
  event: { type: T; data: EventPayloads[T] };
  body: Record<string, unknown>;
}

/**
 * What the planner does after planning: update, cancel, record the outcome. Each is one
 * transaction (the operation row locked, the change, its event through the outbox) under the
 * caller's Idempotency-Key; a refusal rolls all of it back.
 */
export class OperationProgress {
  constructor(
    private readonly transaction: IdempotentTransaction,
    private readonly operations: OperationRepository,
    private readonly outbox: Outbox,
    private readonly locationBase: string,
  ) {}

  update(operationId: string, body: OperationUpdateBody, context: CommandContext) {
    return this.change(operationId, context, (operation, { now, by }) => {
      const ruling = reviseOperation(operation, body, now);
      // Neither is a Ruling: nothing to change is 422, a borough the key does not serve 403.
      if (ruling.kind === 'unchanged') {
        throw new RequestRejected({
          kind: 'unprocessable',
          message: "Nothing changed: the update repeats the operation's current values.",
        });
      }
      const { plan, revision, changes } = acceptedChange(ruling);
      if (changes.includes('borough') && !servesBorough(context.principal, plan.borough)) {
        throw new RequestRejected({
          kind: 'forbidden',
          message: `Your organisation does not serve borough ${plan.borough}.`,
        });
      }
      const details = operationDetails(plan);
      return {
        apply: (manager) =>
          this.operations.saveRevision(manager, operation.id, plan, revision, now),
        event: {
          type: 'harbour.operation.updated',
          data: {
            operationId: operation.id,
            updatedBy: by,
            updatedAt: now.toISOString(),
            revision,
            operation: details,
            changes,
          },
        },
        body: {
          operationId: operation.id,
          state: operation.state,
          revision,
          changes,
          startWindow: details.startWindow,
          childrenLikely: plan.childrenLikely,
        },
      };
    });
  }

  cancel(operationId: string, body: OperationCancellationBody, context: CommandContext) {
    return this.change(operationId, context, (operation, { now, by }) => {
      const { at } = acceptedChange(cancelOperation(operation, now));
      return {
        apply: (manager) =>
          this.operations.markCancelled(manager, operation.id, { at, by, reason: body.reason }),
        event: {
          type: 'harbour.operation.cancelled',
          data: {
            operationId: operation.id,
            cancelledBy: by,
            cancelledAt: at.toISOString(),
            reason: body.reason,
          },
        },
        body: {
          operationId: operation.id,
          state: 'cancelled',
          revision: operation.revision,
          cancelledAt: at.toISOString(),
        },
      };
    });
  }

  recordOutcome(operationId: string, body: OperationOutcomeBody, context: CommandContext) {
    return this.change(operationId, context, (operation, { now, by }) => {
      const recorded = acceptedChange(recordOutcome(operation, body, now, redactWelfareSummary));
      return {
        apply: (manager) =>
          this.operations.insertOutcome(manager, operation.id, {
            ...recorded,
            recordedAt: now,
            recordedBy: by,
          }),
        // The restricted notes stay here: never in the event nor the response.
        event: {
          type: 'harbour.operation.outcome-recorded',
          data: {
            operationId: operation.id,
            recordedBy: by,
            recordedAt: now.toISOString(),
            outcome: recorded.outcome,
            borough: operation.borough,
            kind: operation.kind,
          },
        },
        body: {
          operationId: operation.id,
          state: 'outcome_recorded',
          revision: operation.revision,
          recordedAt: now.toISOString(),
          outcome: recorded.outcome,
        },
      };
    });
  }

  private change<T extends EventType>(
    operationId: string,
    context: CommandContext,
    step: (operation: OperationRecord, stamp: CommandStamp) => Step<T>,
  ): Promise<CommandResult> {
    return this.transaction.run(context, async (manager, stamp) => {
      const operation = await this.operations.find(manager, operationId, 'for_update');
      // Another organisation's operation is reported as absent, not forbidden: no existence leak.
      if (!operation || !isPlanner(context.principal, operation)) {
        throw new RequestRejected({ kind: 'not_found', message: 'No such operation.' });
      }
      const planned = step(operation, stamp);
      await planned.apply(manager);
      await this.outbox.add(
        manager,
        intakeEvent(planned.event.type, operation.id, planned.event.data),
      );
      const response: StoredResponse = {
        status: 201,
        body: planned.body,
        location: `${this.locationBase}/v1/operations/${operation.id}`,
      };
      return response;
    });
  }
}
