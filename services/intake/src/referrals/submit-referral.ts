import { randomUUID } from 'node:crypto';
import { type ReferralSubmissionBody, type ReferralSubmitted } from '@harbour/contracts';
import { londonDateOf } from '@harbour/london';
import type { Outbox } from '@harbour/messaging';
import type {
  CommandContext,
  CommandResult,
  IdempotentTransaction,
  StoredResponse,
} from '@harbour/platform';
import { acceptedChange } from '../application/accepted-change';
import { intakeEvent } from '../application/intake-event';
import type { BedRequestPolicy } from '../domain/bed-request';
import { bedRequestFromReferral } from '../domain/bed-request-from-referral';
import { type Referral, submitReferral } from '../domain/referral';
import type { RecordBedRequest } from '../bed-requests/record-bed-request';
import type { ReferralRepository } from './referral-repository';

export const REFERRAL_SUBMITTED = 'harbour.referral.submitted';

/**
 * The event: identifying details only inside `personal`, and never for Duty to Notify (the
 * referral itself no longer holds them by then).
 */
export function referralSubmittedPayload(referral: Referral): ReferralSubmitted {
  const { personal } = referral;
  const addresses = new Map(personal.locationAddresses?.map((l) => [l.index, l.address]));
  const eventPersonal: NonNullable<ReferralSubmitted['personal']> = {
    ...(personal.givenName !== undefined ? { givenName: personal.givenName } : {}),
    ...(personal.familyName !== undefined ? { familyName: personal.familyName } : {}),
    ...(personal.dateOfBirth !== undefined ? { dateOfBirth: personal.dateOfBirth } : {}),
    ...(personal.nationality !== undefined ? { nationality: personal.nationality } : {}),
    ...(personal.aliases !== undefined ? { aliases: personal.aliases } : {}),
    ...(personal.narrative !== undefined ? { narrative: personal.narrative } : {}),
    responder: personal.responder,
  };
  return {
    referralId: referral.id,
    submittedBy: referral.submittedBy,
    submittedAt: referral.submittedAt.toISOString(),
    mechanism: referral.mechanism,
    subject: referral.subject,
    exploitationTypes: referral.exploitationTypes,
    borough: referral.borough,
    ...(referral.languages.length > 0 ? { languages: referral.languages } : {}),
    ...(referral.locations.length > 0
      ? {
          linkedLocations: referral.locations.map((location, index) => {
            const address = addresses.get(index);
            return address !== undefined ? { ...location, address } : location;
          }),
        }
      : {}),
    ...(referral.mechanism === 'nrm' ? { personal: eventPersonal } : {}),
    ...(referral.indicators.length > 0 ? { indicators: referral.indicators } : {}),
    consent: referral.consent,
    ...(referral.accommodationNeed ? { accommodationNeed: referral.accommodationNeed } : {}),
  };
}

/**
 * Records a referral (or Duty to Notify record) and its `submitted` event in one transaction;
 * an accommodation need also becomes a bed request (and its event) in that transaction, so the
 * search for a bed starts without the first responder asking twice.
 */
export class SubmitReferral {
  constructor(
    private readonly transaction: IdempotentTransaction,
    private readonly referrals: ReferralRepository,
    private readonly outbox: Outbox,
    private readonly bedRequests: RecordBedRequest,
    private readonly bedRequestPolicy: BedRequestPolicy,
    private readonly locationBase: string,
  ) {}

  execute(body: ReferralSubmissionBody, context: CommandContext): Promise<CommandResult> {
    return this.transaction.run(context, async (manager, { now, by }) => {
      const referral = acceptedChange(
        submitReferral(randomUUID(), body, by, now, londonDateOf(now)),
      );
      const needed = bedRequestFromReferral(randomUUID(), referral, now, this.bedRequestPolicy);
      const bedRequest = needed && acceptedChange(needed);
      await this.referrals.insert(manager, referral);
      await this.outbox.add(
        manager,
        intakeEvent(REFERRAL_SUBMITTED, referral.id, referralSubmittedPayload(referral)),
      );
      if (bedRequest) await this.bedRequests.record(manager, bedRequest);
      const location = `${this.locationBase}/v1/referrals/${referral.id}`;
      // Field names only: the stored response (Idempotency-Key replays) holds nothing personal.
      const response: StoredResponse = {
        status: 202,
        body: {
          referralId: referral.id,
          status: 'accepted',
          mechanism: referral.mechanism,
          isChild: referral.subject.isChild,
          location,
          ...(referral.mechanism === 'duty_to_notify' ? { discarded: referral.discarded } : {}),
          ...(bedRequest ? { bedRequestId: bedRequest.id } : {}),
        },
        location,
      };
      return response;
    });
  }
}
