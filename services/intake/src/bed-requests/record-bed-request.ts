import type { BedRequestSubmitted } from '@harbour/contracts';
import type { Outbox } from '@harbour/messaging';
import type { EntityManager } from 'typeorm';
import { intakeEvent } from '../application/intake-event';
import type { BedRequest } from '../domain/bed-request';
import type { BedRequestRepository } from './bed-request-repository';

export const BED_REQUEST_SUBMITTED = 'harbour.bed-request.submitted';

/**
 * The event accommodation matches on. The names and date of birth travel only here, inside
 * `person`, and only when given: accommodation hands them to the provider that accepts.
 */
export function bedRequestSubmittedPayload(request: BedRequest): BedRequestSubmitted {
  return {
    requestId: request.id,
    submittedBy: request.submittedBy,
    submittedAt: request.submittedAt.toISOString(),
    borough: request.borough,
    needs: request.needs,
    urgency: request.urgency,
    exclusionZones: request.exclusionZones,
    ...(request.person ? { person: request.person } : {}),
    ...(request.referralId !== undefined ? { referralId: request.referralId } : {}),
  };
}

/** What a 202 shows of a new bed request: no names (it is stored for Idempotency-Key replays). */
export function bedRequestAnswer(request: BedRequest, location: string): Record<string, unknown> {
  return {
    requestId: request.id,
    status: 'accepted',
    needs: request.needs,
    urgency: request.urgency,
    location,
  };
}

/**
 * Stores a bed request and adds its `submitted` event to the outbox, inside the caller's
 * transaction: a bed request asked for directly, or one a referral's accommodation need became.
 */
export class RecordBedRequest {
  constructor(
    private readonly bedRequests: BedRequestRepository,
    private readonly outbox: Outbox,
  ) {}

  async record(manager: EntityManager, request: BedRequest): Promise<void> {
    await this.bedRequests.insert(manager, request);
    await this.outbox.add(
      manager,
      intakeEvent(BED_REQUEST_SUBMITTED, request.id, bedRequestSubmittedPayload(request)),
    );
  }
}
