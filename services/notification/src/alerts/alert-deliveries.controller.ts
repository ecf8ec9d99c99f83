import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import {
  Authorize,
  CurrentPrincipal,
  NotFoundProblem,
  type PersonalDataReads,
  type Principal,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { DeliveryRepository } from '../delivery/delivery-repository';
import type { AlertState } from '../domain/alert-state';
import { EscalationTimers } from '../escalation/escalation-timers';
import {
  ALERT_REPOSITORY,
  DELIVERY_REPOSITORY,
  NOTIFICATION_DATA_SOURCE,
  PERSONAL_DATA_READS,
} from '../tokens';
import type { AlertRepository, RecordedAlert } from './alert-repository';

/** Where an alert stands: open, acknowledged, superseded or closed, and its escalation timers. */
export interface AlertStatusView {
  alertId: string;
  severity: string;
  title: string;
  /** open | acknowledged | superseded | closed. */
  state: AlertState;
  requestedAt: string;
  acknowledgeBy: string;
  acknowledgedAt: string | null;
  closedAt: string | null;
  /** Why it was closed, as its recipients were told. */
  closureReason: string | null;
  /** The earlier alert this one replaced, and the newer alert that replaced this one. */
  supersedes: string | null;
  supersededBy: string | null;
  supersededAt: string | null;
  /** In firing order; `level` counts from 1 and `round` from 0, as in `harbour.alert.escalated`. */
  escalationTimers: {
    level: number;
    round: number;
    dueAt: string;
    state: 'pending' | 'fired' | 'cancelled';
    firedAt: string | null;
  }[];
}

export interface AlertDeliveriesView extends AlertStatusView {
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
    /** alert, escalation, follow_up, closure or supersession; escalations name their level. */
    purpose: string;
    escalationLevel: number | null;
    /** The provider's answer to the accepted send (e.g. `250 …`, `HTTP 204`). */
    providerResponse: string | null;
    /** The delivery log: queued, retrying (with the reason), sent, failed — in order. */
    log: { event: string; detail: string | null; at: string }[];
  }[];
}

/**
 * Where an alert stands, who it went to, why, and what became of each delivery (with its log):
 * for the coordinator's admins.
 */
@Controller('v1/alerts')
export class AlertDeliveriesController {
  private readonly timers: EscalationTimers;

  constructor(
    @Inject(ALERT_REPOSITORY) private readonly alerts: AlertRepository,
    @Inject(DELIVERY_REPOSITORY) private readonly deliveries: DeliveryRepository,
    @Inject(NOTIFICATION_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PERSONAL_DATA_READS) private readonly reads: PersonalDataReads,
  ) {
    // Read only here: the clock that plans timers does not matter.
    this.timers = new EscalationTimers(dataSource);
  }

  @Get(':alertId')
  @Authorize('notification.alert.status')
  async status(@Param('alertId', new ParseUUIDPipe()) alertId: string): Promise<AlertStatusView> {
    return this.statusOf(await this.recorded(alertId));
  }

  @Get(':alertId/deliveries')
  @Authorize('notification.alert.deliveries')
  async list(
    @Param('alertId', new ParseUUIDPipe()) alertId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AlertDeliveriesView> {
    const alert = await this.recorded(alertId);
    const deliveries = await this.deliveries.viewsOfAlert(alertId);
    const log = await this.deliveries.eventsOfAlert(alertId);
    // Contacts' addresses are people's work e-mail addresses: their disclosure is recorded.
    await this.reads.record(principal, {
      resource: { kind: 'alert', id: alertId },
      fields: deliveries.length > 0 ? ['deliveries.address'] : [],
      route: 'GET /v1/alerts/:alertId/deliveries',
    });
    return {
      ...(await this.statusOf(alert)),
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

  private async recorded(alertId: string): Promise<RecordedAlert> {
    const alert = await this.alerts.find(alertId, this.dataSource.manager);
    if (alert === null) throw new NotFoundProblem('No such alert.');
    return alert;
  }

  private async statusOf(alert: RecordedAlert): Promise<AlertStatusView> {
    const timers = await this.timers.ofAlert(alert.request.alertId);
    return {
      alertId: alert.request.alertId,
      severity: alert.request.severity,
      title: alert.request.summary.title,
      state: alert.state,
      requestedAt: alert.request.requestedAt,
      acknowledgeBy: alert.acknowledgeBy.toISOString(),
      acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
      closedAt: alert.closedAt?.toISOString() ?? null,
      closureReason: alert.closureReason,
      supersedes: alert.request.supersedes ?? null,
      supersededBy: alert.supersededBy,
      supersededAt: alert.supersededAt?.toISOString() ?? null,
      escalationTimers: timers.map((timer) => ({
        level: timer.level + 1,
        round: timer.loop,
        dueAt: timer.dueAt.toISOString(),
        state: timer.state,
        firedAt: timer.firedAt?.toISOString() ?? null,
      })),
    };
  }
}
