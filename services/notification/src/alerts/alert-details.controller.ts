import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import {
  auditActorOf,
  Authorize,
  ConflictProblem,
  CurrentPrincipal,
  NotFoundProblem,
  type Principal,
} from '@harbour/platform';
import type { DeliveryView } from '../domain/delivery-view';
import { ALERT_DETAILS } from '../tokens';
import type { AlertDetailsReader } from './alert-details';

interface LineView {
  label: string;
  value: string;
}

export interface AlertDetailsView {
  alertId: string;
  title: string;
  severity: string;
  /** The level of the lines below, as this organisation was cleared to see them. */
  level: string;
  acknowledgeBy: string;
  state: string;
  lines: LineView[];
  /** Each released stage this organisation was sent, oldest first. */
  stages: {
    stageId: string;
    level: string;
    releasedAt: string;
    title: string;
    lines: LineView[];
  }[];
}

/**
 * `GET /v1/alerts/{alertId}/details`: what an e-mail leaves out (ADR-33), for a signed-in partner
 * (the console) or a partner's system — the recipient organisation's own view of a live alert,
 * audited as a disclosure. Anyone else is told the alert does not exist; an ended alert's details
 * are no longer shown.
 */
@Controller('v1/alerts')
export class AlertDetailsController {
  constructor(@Inject(ALERT_DETAILS) private readonly details: AlertDetailsReader) {}

  @Get(':alertId/details')
  @Authorize('notification.alert.details')
  async show(
    @Param('alertId', new ParseUUIDPipe()) alertId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AlertDetailsView> {
    const outcome = await this.details.read(
      alertId,
      principal.organisationId,
      auditActorOf(principal),
    );
    switch (outcome.kind) {
      case 'not-recipient':
        throw new NotFoundProblem('No such alert for your organisation.');
      case 'closed':
      case 'superseded':
        throw new ConflictProblem(
          `This alert was ${outcome.kind}; its details are no longer shown.`,
        );
      case 'details': {
        const { alert, view, stages } = outcome.details;
        return {
          alertId: alert.request.alertId,
          title: view.alert.summary.title,
          severity: alert.request.severity,
          level: view.level,
          acknowledgeBy: alert.acknowledgeBy.toISOString(),
          state: alert.state,
          lines: linesOf(view),
          stages: stages.map((stage) => ({
            stageId: stage.stageId,
            level: stage.level,
            releasedAt: new Date(stage.update?.releasedAt ?? 0).toISOString(),
            title: stage.alert.summary.title,
            lines: linesOf(stage),
          })),
        };
      }
    }
  }
}

function linesOf(view: DeliveryView): LineView[] {
  return view.alert.summary.lines.map((line) => ({ label: line.label, value: line.value }));
}
