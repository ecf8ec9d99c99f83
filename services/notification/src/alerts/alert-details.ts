import type { DisclosureLevel } from '@harbour/contracts';
import { type AuditActor, AuditLog, queryRows, quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { disclosureAction } from '../audit/disclosed-level';
import { isLive } from '../domain/alert-state';
import { type DeliveryView, deliveryView } from '../domain/delivery-view';
import { mayReceive, purposeOf } from '../domain/purpose';
import { AlertStageRepository } from '../follow-ups/alert-stage-repository';
import { AlertRepository, type RecordedAlert } from './alert-repository';

/** What one organisation may see of an alert: the alert as cleared for it, and its stages. */
export interface OrganisationAlertDetails {
  alert: RecordedAlert;
  /** The alert's summary as this organisation was cleared to see it. */
  view: DeliveryView;
  /** Each released stage sent to this organisation, oldest first. */
  stages: (DeliveryView & { stageId: string })[];
}

export type AlertDetailsOutcome =
  | { kind: 'not-recipient' }
  | { kind: 'closed' | 'superseded' }
  | { kind: 'details'; details: OrganisationAlertDetails };

interface RecipientDelivery {
  id: string;
  purpose: 'alert' | 'escalation' | 'follow_up';
  stage: string | null;
  stage_id: string | null;
  matched_rule: string;
  recipient_kind: string;
}

const LEVELS: readonly DisclosureLevel[] = ['notice', 'operational', 'personal'];

/**
 * The details of an alert for a signed-in partner or a partner's system (`GET
 * /v1/alerts/{id}/details`): exactly what its organisation's deliveries were cleared to carry —
 * the alert's summary at the level its kind may see, and every released stage it was sent —
 * rendered by the rule the channels use (`deliveryView`) and checked again now: the alert's
 * purpose may still reach the kind, each stage's level and roles still include it, the alert is
 * still live. An organisation with no delivery of the alert is told it does not exist. Each call
 * that shows anything above a notice is one `disclosure.*` audit entry (the highest level shown)
 * with the caller — key or person — as actor, written in the transaction that reads.
 */
export class AlertDetailsReader {
  private readonly alerts: AlertRepository;
  private readonly stages: AlertStageRepository;
  private readonly audit: AuditLog;
  private readonly schema: string;

  constructor(private readonly dataSource: DataSource) {
    this.alerts = new AlertRepository(dataSource);
    this.stages = new AlertStageRepository(dataSource);
    this.audit = new AuditLog(dataSource);
    this.schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
  }

  async read(
    alertId: string,
    organisationId: string,
    actor: AuditActor,
  ): Promise<AlertDetailsOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const alert = await this.alerts.find(alertId, manager);
      const deliveries =
        alert === null ? [] : await this.deliveries(alertId, organisationId, manager);
      const first = deliveries.find((d) => d.purpose !== 'follow_up');
      const kind = deliveries[0]?.recipient_kind;
      if (
        alert === null ||
        first === undefined ||
        kind === undefined ||
        !mayReceive(purposeOf(alert.request), kind)
      ) {
        return { kind: 'not-recipient' };
      }
      if (!isLive(alert.state)) {
        return { kind: alert.state === 'superseded' ? 'superseded' : 'closed' };
      }
      const view = deliveryView({ id: first.id, purpose: first.purpose }, alert.request, {
        recipientKind: kind,
      });
      const stages: OrganisationAlertDetails['stages'] = [];
      const seen = new Set<string>();
      for (const delivery of deliveries.filter((d) => d.purpose === 'follow_up')) {
        const stage = await this.stages.findCleared(
          { alertId, stage: delivery.stage, stageId: delivery.stage_id },
          kind,
          manager,
        );
        if (stage === null || seen.has(stage.id)) continue;
        seen.add(stage.id);
        stages.push({
          ...deliveryView({ id: delivery.id, purpose: 'follow_up' }, alert.request, { stage }),
          stageId: stage.id,
        });
      }
      stages.sort((a, b) => (a.update?.releasedAt ?? '').localeCompare(b.update?.releasedAt ?? ''));
      const highest = [view, ...stages]
        .map((shown) => shown.level)
        .reduce((a, b) => (LEVELS.indexOf(b) > LEVELS.indexOf(a) ? b : a), 'notice');
      const action = disclosureAction(highest);
      if (action !== null) {
        await this.audit.append(manager, {
          actor,
          action,
          resource: { kind: 'alert', id: alertId },
          reason: first.matched_rule,
          details: {
            organisationId,
            organisationKind: kind,
            levelShown: view.level,
            stageIds: stages.map((s) => s.stageId),
            shownBy: 'alert details API',
          },
        });
      }
      return { kind: 'details', details: { alert, view, stages } };
    });
  }

  /** The organisation's deliveries of the alert that carry content (not end notices), oldest first. */
  private deliveries(
    alertId: string,
    organisationId: string,
    manager: EntityManager,
  ): Promise<RecipientDelivery[]> {
    return queryRows<RecipientDelivery>(
      manager,
      `SELECT d.id, d.purpose, d.stage, d.stage_id, d.matched_rule,
              o.kind AS recipient_kind
         FROM ${this.schema}.delivery d
         JOIN ${this.schema}.organisation o ON o.id = d.organisation_id
        WHERE d.alert_id = $1 AND d.organisation_id = $2
          AND d.purpose IN ('alert', 'escalation', 'follow_up')
        ORDER BY d.created_at`,
      [alertId, organisationId],
    );
  }
}
