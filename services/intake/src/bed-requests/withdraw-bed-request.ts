import type { BedRequestWithdrawalBody } from '@harbour/contracts';
import type { Outbox } from '@harbour/messaging';
import {
  type CommandContext,
  type CommandResult,
  type IdempotentTransaction,
  RequestRejected,
  type StoredResponse,
} from '@harbour/platform';
import { acceptedChange } from '../application/accepted-change';
import { intakeEvent } from '../application/intake-event';
import { withdrawBedRequest } from '../domain/bed-request-withdrawal';
import type { BedRequestRepository } from './bed-request-repository';
import { isRequester } from './bed-request-view';

export const BED_REQUEST_WITHDRAWN = 'harbour.bed-request.withdrawn';

/**
 * The requester no longer needs the bed: the request row locked, marked withdrawn, and
 * `harbour.bed-request.withdrawn` through the outbox (accommodation withdraws open offers and
 * releases their holds), in one transaction under the caller's Idempotency-Key.
 */
export class WithdrawBedRequest {
  constructor(
    private readonly transaction: IdempotentTransaction,
    private readonly bedRequests: BedRequestRepository,
    private readonly outbox: Outbox,
    private readonly locationBase: string,
  ) {}

  execute(
    requestId: string,
    body: BedRequestWithdrawalBody,
    context: CommandContext,
  ): Promise<CommandResult> {
    return this.transaction.run(context, async (manager, { now, by }) => {
      const request = await this.bedRequests.find(manager, requestId, 'for_update');
      // Another organisation's request is reported as absent, not forbidden: no existence leak.
      if (!request || !isRequester(context.principal, request)) {
        throw new RequestRejected({ kind: 'not_found', message: 'No such bed request.' });
      }
      const { at } = acceptedChange(withdrawBedRequest(request.state, now));
      await this.bedRequests.markWithdrawn(manager, request.id, { at, by, reason: body.reason });
      await this.outbox.add(
        manager,
        intakeEvent(BED_REQUEST_WITHDRAWN, request.id, {
          requestId: request.id,
          withdrawnBy: by,
          withdrawnAt: at.toISOString(),
          reason: body.reason,
        }),
      );
      const response: StoredResponse = {
        status: 201,
        body: {
          requestId: request.id,
          status: 'withdrawn',
          withdrawnAt: at.toISOString(),
          reason: body.reason,
        },
        location: `${this.locationBase}/v1/bed-requests/${request.id}`,
      };
      return response;
    });
  }
}
