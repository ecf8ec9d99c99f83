import { randomUUID } from 'node:crypto';
import type { BedRequestBody } from '@harbour/contracts';
import { londonDateOf } from '@harbour/london';
import {
  type CommandContext,
  type CommandResult,
  type IdempotentTransaction,
  RequestRejected,
  type StoredResponse,
} from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import { acceptedChange } from '../application/accepted-change';
import {
  anonymousReferralIssues,
  type BedRequestPolicy,
  submitBedRequest,
} from '../domain/bed-request';
import type { ReferralMechanism } from '../domain/referral';
import { bedRequestAnswer, type RecordBedRequest } from './record-bed-request';

/** Finds the referral a bed request names in referralId (inside the command's transaction). */
export interface BedRequestReferralLookup {
  find(
    manager: EntityManager,
    referralId: string,
  ): Promise<
    | { id: string; mechanism: ReferralMechanism; submittedBy: { organisationId: string } }
    | undefined
  >;
}

const UNKNOWN_REFERRAL = 'is not a referral known to Harbour';

/**
 * Records a bed request and its `submitted` event in one transaction. Who may ask, and for
 * which borough, is checked before (bed-requests.controller.ts).
 */
export class SubmitBedRequest {
  constructor(
    private readonly transaction: IdempotentTransaction,
    private readonly recorder: RecordBedRequest,
    private readonly referrals: BedRequestReferralLookup,
    private readonly policy: BedRequestPolicy,
    private readonly locationBase: string,
  ) {}

  execute(body: BedRequestBody, context: CommandContext): Promise<CommandResult> {
    return this.transaction.run(context, async (manager, { now, by }) => {
      const request = acceptedChange(
        submitBedRequest(randomUUID(), body, by, now, londonDateOf(now), this.policy),
      );
      if (body.referralId !== undefined) {
        const found = await this.referrals.find(manager, body.referralId);
        // Only the referring organisation (or a coordinator) may link a bed request to a
        // referral; anyone else is told exactly what a made-up id gets, so the answer reveals
        // neither that the referral exists nor that it is a Duty to Notify record.
        const referral =
          found !== undefined &&
          (by.organisationKind === 'coordinator' ||
            found.submittedBy.organisationId === by.organisationId)
            ? found
            : undefined;
        if (!referral) {
          throw new RequestRejected({
            kind: 'invalid',
            issues: [{ pointer: '/referralId', message: UNKNOWN_REFERRAL }],
          });
        }
        const issues =
          referral.mechanism === 'duty_to_notify' ? anonymousReferralIssues(body.person) : [];
        if (issues.length > 0) throw new RequestRejected({ kind: 'invalid', issues });
      }
      await this.recorder.record(manager, request);
      const location = `${this.locationBase}/v1/bed-requests/${request.id}`;
      const response: StoredResponse = {
        status: 202,
        body: bedRequestAnswer(request, location),
        location,
      };
      return response;
    });
  }
}
