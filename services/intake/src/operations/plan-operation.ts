import { randomUUID } from 'node:crypto';
import type { OperationPlanBody, OperationPlanned } from '@harbour/contracts';
import type { Outbox } from '@harbour/messaging';
import type {
  CommandContext,
  CommandResult,
  IdempotentTransaction,
  StoredResponse,
} from '@harbour/platform';
import { acceptedChange } from '../application/accepted-change';
import { intakeEvent } from '../application/intake-event';
import { type Operation, operationDetails, planOperation } from '../domain/operation';
import type { OperationRepository } from './operation-repository';

export const OPERATION_PLANNED = 'harbour.operation.planned';

export function operationPlannedPayload(operation: Operation): OperationPlanned {
  return {
    operationId: operation.id,
    plannedBy: operation.plannedBy,
    plannedAt: operation.plannedAt.toISOString(),
    operation: operationDetails(operation),
  };
}

/**
 * Records a planned operation and its `planned` event in one transaction. Who may plan what,
 * and for which borough, is checked before (operations.controller.ts).
 */
export class PlanOperation {
  constructor(
    private readonly transaction: IdempotentTransaction,
    private readonly operations: OperationRepository,
    private readonly outbox: Outbox,
    private readonly locationBase: string,
  ) {}

  execute(body: OperationPlanBody, context: CommandContext): Promise<CommandResult> {
    return this.transaction.run(context, async (manager, { now, by }) => {
      const operation = acceptedChange(planOperation(randomUUID(), body, by, now));
      await this.operations.insert(manager, operation);
      const planned = operationPlannedPayload(operation);
      await this.outbox.add(manager, intakeEvent(OPERATION_PLANNED, operation.id, planned));
      const location = `${this.locationBase}/v1/operations/${operation.id}`;
      // Notice-level fields only: the stored response (Idempotency-Key replays) holds no address.
      const response: StoredResponse = {
        status: 202,
        body: {
          operationId: operation.id,
          status: 'accepted',
          state: operation.state,
          revision: operation.revision,
          startWindow: planned.operation.startWindow,
          childrenLikely: operation.childrenLikely,
          location,
        },
        location,
      };
      return response;
    });
  }
}
