import type { OrganisationRef } from '@harbour/contracts';
import type { Principal } from '@harbour/platform';
import type { NrmDecision, ReferralDeadlines } from '../domain/nrm-deadlines';
import { referralDeadlines } from '../domain/nrm-deadlines';
import type { ReferralMechanism, ReferralSubject } from '../domain/referral';
import { type ReferralStatus, referralStatus } from '../domain/referral-decision';
import type { RecordedNrmDecision, ReferralRecord } from './referral-repository';

/** What GET /v1/referrals/{id} shows: where the referral stands and its dates; nothing personal. */
export interface ReferralView {
  referralId: string;
  mechanism: ReferralMechanism;
  status: ReferralStatus;
  subject: ReferralSubject;
  borough: string;
  exploitationTypes: string[];
  submittedAt: string;
  submittedOn: string;
  submittedBy: OrganisationRef;
  decisions: (NrmDecision & { recordedAt: string })[];
  deadlines: ReferralDeadlines;
}

export function decisionView(decision: RecordedNrmDecision): NrmDecision & { recordedAt: string } {
  const { recordedBy: _by, recordedAt, ...rest } = decision;
  return { ...rest, recordedAt: recordedAt.toISOString() };
}

export function referralView(referral: ReferralRecord): ReferralView {
  return {
    referralId: referral.id,
    mechanism: referral.mechanism,
    status: referralStatus(referral),
    subject: referral.subject,
    borough: referral.borough,
    exploitationTypes: referral.exploitationTypes,
    submittedAt: referral.submittedAt.toISOString(),
    submittedOn: referral.submittedOn,
    submittedBy: referral.submittedBy,
    decisions: referral.decisions.map(decisionView),
    deadlines: referralDeadlines(referral.mechanism, referral.submittedOn, referral.decisions),
  };
}

/**
 * The referring organisation and coordinators may see a referral and record its decisions;
 * to anyone else it does not exist.
 */
export function mayHandleReferral(principal: Principal, referral: ReferralRecord): boolean {
  return (
    principal.organisationKind === 'coordinator' ||
    principal.organisationId === referral.submittedBy.organisationId
  );
}
