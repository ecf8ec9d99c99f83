import type { BedNeeds, BedUrgency, ExclusionZones, OrganisationRef } from '@harbour/contracts';
import type { Principal } from '@harbour/platform';
import type { BedRequestPerson } from '../domain/bed-request';
import type { BedRequestState } from '../domain/bed-request-withdrawal';
import type { BedRequestRecord, BedRequestWithdrawal } from './bed-request-repository';

/**
 * What GET /v1/bed-requests/{id} shows: the request as intake recorded it. The names are the
 * requester's own; coordinators see the request without them. Offers and placement are the
 * accommodation service's to show.
 */
export interface BedRequestView {
  requestId: string;
  status: BedRequestState;
  submittedBy: OrganisationRef;
  submittedAt: string;
  borough: string;
  needs: BedNeeds;
  urgency: BedUrgency;
  exclusionZones: ExclusionZones;
  referralId?: string;
  withdrawal?: { withdrawnAt: string; reason: BedRequestWithdrawal['reason'] };
  person?: BedRequestPerson;
}

/** The organisation that asked for the bed: the only one that may withdraw it or see the names. */
export function isRequester(principal: Principal, request: BedRequestRecord): boolean {
  return principal.organisationId === request.submittedBy.organisationId;
}

/** The requester and coordinators may see a bed request; to anyone else it does not exist. */
export function maySeeBedRequest(principal: Principal, request: BedRequestRecord): boolean {
  return principal.organisationKind === 'coordinator' || isRequester(principal, request);
}

export function bedRequestView(request: BedRequestRecord, principal: Principal): BedRequestView {
  const { withdrawal, person } = request;
  return {
    requestId: request.id,
    status: request.state,
    submittedBy: request.submittedBy,
    submittedAt: request.submittedAt.toISOString(),
    borough: request.borough,
    needs: request.needs,
    urgency: request.urgency,
    exclusionZones: request.exclusionZones,
    ...(request.referralId !== undefined ? { referralId: request.referralId } : {}),
    ...(withdrawal
      ? { withdrawal: { withdrawnAt: withdrawal.at.toISOString(), reason: withdrawal.reason } }
      : {}),
    ...(person && isRequester(principal, request) ? { person } : {}),
  };
}
