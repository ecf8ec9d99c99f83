import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { NotFoundProblem, RequireKinds, RequireRoles } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { DeliveryRepository } from '../delivery/delivery-repository';
import { ALERT_REPOSITORY, DELIVERY_REPOSITORY, NOTIFICATION_DATA_SOURCE } from '../tokens';
import type { AlertRepository } from './alert-repository';

export interface AlertDeliveriesView {
  alertId: string;
  severity: string;
  state: string;
  requestedAt: string;
  acknowledgeBy: string;
  deliveries: {
    deliveryId: string;
    organisation: { id: string; name: string; kind: string };
    channel: string;
    address: string;
    /** Why this organisation was chosen, e.g. `role=missing_person_unit & borough=E09000007`. */
    matchedRule: string;
    status: string;
    attempts: number;
    messageId: string;
    createdAt: string;
    sentAt: string | null;
    failedAt: string | null;
    lastError: string | null;
    /** alert, escalation or follow_up; escalations name their level. */
    purpose: string;
    escalationLevel: number | null;
    /** The provider's answer to the accepted send (e.g. `250 …`, `HTTP 204`). */
    providerResponse: string | null;
    /** The delivery log: queued, retrying (with the reason), sent, failed — in order. */
    log: { event: string; detail: string | null; at: string }[];
  }[];
}

/** Who an alert went to, why, and what became of each delivery (with its log): for the coordinator's admins. */
@Controller('v1/alerts')
export class AlertDeliveriesController {
  constructor(
    @Inject(ALERT_REPOSITORY) private readonly alerts: AlertRepository,
    @Inject(DELIVERY_REPOSITORY) private readonly deliveries: DeliveryRepository,
    @Inject(NOTIFICATION_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Get(':alertId/deliveries')
  @RequireKinds('coordinator')
  @RequireRoles('admin')
  async list(@Param('alertId', new ParseUUIDPipe()) alertId: string): Promise<AlertDeliveriesView> {
    const alert = await this.alerts.find(alertId, this.dataSource.manager);
    if (alert === null) throw new NotFoundProblem('No such alert.');
    const deliveries = await this.deliveries.viewsOfAlert(alertId);
    const log = await this.deliveries.eventsOfAlert(alertId);
    return {
      alertId,
      severity: alert.request.severity,
      state: alert.state,
      requestedAt: alert.request.requestedAt,
      acknowledgeBy: alert.acknowledgeBy.toISOString(),
      deliveries: deliveries.map((d) => ({
        deliveryId: d.id,
        organisation: { id: d.organisationId, name: d.organisationName, kind: d.organisationKind },
        channel: d.channel,
        address: d.address,
        matchedRule: d.matchedRule,
        status: d.status,
        attempts: d.attempts,
        messageId: d.messageId,
        createdAt: d.createdAt.toISOString(),
        sentAt: d.sentAt?.toISOString() ?? null,
        failedAt: d.failedAt?.toISOString() ?? null,
        lastError: d.lastError,
        purpose: d.purpose,
        escalationLevel: d.escalationLevel,
        providerResponse: d.providerResponse,
        log: log
          .filter((e) => e.deliveryId === d.id)
          .map((e) => ({ event: e.event, detail: e.detail, at: e.at.toISOString() })),
      })),
    };
  }
}
