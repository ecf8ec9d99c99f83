import { Controller, Get, Inject, Param } from '@nestjs/common';
import {
  Authorize,
  CurrentPrincipal,
  NotFoundProblem,
  type PersonalDataReads,
  type Principal,
  ValidationProblem,
} from '@harbour/platform';
import { CAUSE_ALERTS_REPOSITORY, PERSONAL_DATA_READS } from '../tokens';
import { causeAlertsReader } from './cause-alerts-access';
import type { CauseAlertsRepository } from './cause-alerts-repository';
import { type CauseAlertsView, causeAlertsView } from './cause-alerts-view';
import { readCauseRef } from './cause-ref';

const NOT_FOUND = 'No alerts of this cause for your organisation.';

/**
 * The alerts raised about a cause (an operation, a missing episode, a referral, a bed request),
 * for the organisation that owns the cause — who got each alert, whether it was delivered, who
 * acknowledged and what they offered — and for coordinators. To anyone else, and for a cause
 * with no alerts, the cause does not exist (404).
 */
@Controller('v1/causes')
export class CauseAlertsController {
  constructor(
    @Inject(CAUSE_ALERTS_REPOSITORY) private readonly causeAlerts: CauseAlertsRepository,
    @Inject(PERSONAL_DATA_READS) private readonly reads: PersonalDataReads,
  ) {}

  @Get(':kind/:id/alerts')
  @Authorize('notification.cause.alerts')
  async list(
    @Param('kind') kind: string,
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CauseAlertsView> {
    const read = readCauseRef(kind, id);
    if (!read.ok) throw new ValidationProblem(read.issues);
    const reader = causeAlertsReader(principal);
    if (reader === null) throw new NotFoundProblem(NOT_FOUND);
    const records = await this.causeAlerts.ofCause(
      read.cause,
      reader.all ? null : reader.ownerOrganisationId,
    );
    if (records.alerts.length === 0) throw new NotFoundProblem(NOT_FOUND);
    const view = causeAlertsView(read.cause, records);
    // Partners' free-text answers may name people: their disclosure is recorded.
    const answered = view.alerts.some((a) => a.recipients.some((r) => r.response !== undefined));
    await this.reads.record(principal, {
      resource: { kind: read.cause.kind, id: read.cause.id },
      fields: answered ? ['recipients.response'] : [],
      route: 'GET /v1/causes/:kind/:id/alerts',
    });
    return view;
  }
}
