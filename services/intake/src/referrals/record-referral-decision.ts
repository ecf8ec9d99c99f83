import type { ReferralDecisionBody, ReferralDecisionRecorded } from '@harbour/contracts';
import { londonDateOf } from '@harbour/london';
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
import { decide } from '../domain/referral-decision';
import type { RecordedNrmDecision, ReferralRepository } from './referral-repository';
import { decisionView, mayHandleReferral, referralView } from './referral-view';

export const REFERRAL_DECISION_RECORDED = 'harbour.referral.decision-recorded';

/**
 * Records a Reasonable Grounds or Conclusive Grounds decision with its computed deadlines, and
 * the `decision-recorded` event, in one transaction (the referral row locked meanwhile).
 */
export class RecordReferralDecision {
  constructor(
    private readonly transaction: IdempotentTransaction,
    private readonly referrals: ReferralRepository,
    private readonly outbox: Outbox,
    private readonly locationBase: string,
  ) {}

  execute(
    referralId: string,
    body: ReferralDecisionBody,
    context: CommandContext,
  ): Promise<CommandResult> {
    return this.transaction.run(context, async (manager, { now, by }) => {
      const referral = await this.referrals.find(manager, referralId, 'for_update');
      if (!referral || !mayHandleReferral(context.principal, referral)) {
        throw new RequestRejected({ kind: 'not_found', message: 'No such referral.' });
      }
      const decision: RecordedNrmDecision = {
        ...acceptedChange(decide(referral, body, londonDateOf(now))),
        recordedAt: now,
        recordedBy: by,
      };
      await this.referrals.insertDecision(manager, referral.id, decision);
      const event: ReferralDecisionRecorded = {
        referralId: referral.id,
        recordedBy: decision.recordedBy,
        recordedAt: now.toISOString(),
        stage: decision.stage,
        outcome: decision.outcome,
        decidedOn: decision.decidedOn,
        ...(decision.moveOnDeadline !== undefined
          ? { moveOnDeadline: decision.moveOnDeadline }
          : {}),
        ...(decision.supportEndsOn !== undefined ? { supportEndsOn: decision.supportEndsOn } : {}),
        ...(decision.moveOnDeadlineRule !== undefined
          ? { moveOnDeadlineRule: decision.moveOnDeadlineRule }
          : {}),
      };
      await this.outbox.add(manager, intakeEvent(REFERRAL_DECISION_RECORDED, referral.id, event));
      const view = referralView({ ...referral, decisions: [...referral.decisions, decision] });
      const response: StoredResponse = {
        status: 201,
        body: {
          referralId: referral.id,
          decision: decisionView(decision),
          status: view.status,
          deadlines: view.deadlines,
        },
        location: `${this.locationBase}/v1/referrals/${referral.id}`,
      };
      return response;
    });
  }
}
