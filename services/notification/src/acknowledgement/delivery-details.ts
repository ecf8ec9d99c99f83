import { AuditLog, queryRows, quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { AlertRepository } from '../alerts/alert-repository';
import { disclosureAction } from '../audit/disclosed-level';
import { isEndPurpose } from '../domain/alert-end';
import { isLive } from '../domain/alert-state';
import { type DeliveryView, deliveryView } from '../domain/delivery-view';
import { mayReceive, purposeOf } from '../domain/purpose';
import { DeliveryRepository } from '../delivery/delivery-repository';
import { AlertStageRepository } from '../follow-ups/alert-stage-repository';
import type { AcknowledgementLinks } from './acknowledgement-links';
import type {
  Acknowledgement,
  AcknowledgementRepository,
  AlertForAcknowledgement,
} from './acknowledgement-repository';

/** What `POST /ack/:token/details` shows, or why it shows nothing. */
export type DetailsOutcome =
  | { kind: 'invalid' }
  | { kind: 'expired'; alert: AlertForAcknowledgement | null }
  | { kind: 'closed' | 'superseded'; alert: AlertForAcknowledgement }
  | {
      kind: 'details';
      alert: AlertForAcknowledgement;
      view: DeliveryView;
      /** The organisation's acknowledgement, when it has acknowledged (by any link or the API). */
      acknowledgement: Acknowledgement | null;
      /** Whether this link can still acknowledge (not used, organisation not yet acknowledged). */
      canAcknowledge: boolean;
    };

export interface DeliveryDetailsOptions {
  dataSource: DataSource;
  links: AcknowledgementLinks;
  acknowledgements: AcknowledgementRepository;
}

/**
 * The details an e-mail leaves out, shown to whoever holds the delivery's signed link — the
 * same credential that acknowledges — and recorded in the audit log each time they are shown
 * above a notice, as a disclosure by that link. What is shown is exactly what the delivery was
 * cleared to carry (`deliveryView`), checked again now: the purpose may still reach the
 * recipient's kind, a follow-up's stage may still reach it, and the alert is still live (a
 * closed alert's details are no longer needed by anyone). A link that already acknowledged still
 * shows them: people acknowledge first and read on.
 */
export class DeliveryDetails {
  private readonly alerts: AlertRepository;
  private readonly deliveries: DeliveryRepository;
  private readonly stages: AlertStageRepository;
  private readonly audit: AuditLog;
  private readonly organisations: string;

  constructor(private readonly options: DeliveryDetailsOptions) {
    const { dataSource } = options;
    this.alerts = new AlertRepository(dataSource);
    this.deliveries = new DeliveryRepository(dataSource);
    this.stages = new AlertStageRepository(dataSource);
    this.audit = new AuditLog(dataSource);
    this.organisations = `${quoteIdentifier(schemaOf(dataSource) ?? 'public')}.organisation`;
  }

  async show(token: string): Promise<DetailsOutcome> {
    const { links, acknowledgements, dataSource } = this.options;
    const verdict = links.verify(token);
    if (!verdict.ok) {
      if (verdict.reason !== 'expired') return { kind: 'invalid' };
      return {
        kind: 'expired',
        alert: await acknowledgements.findAlert(verdict.claims.alertId),
      };
    }
    const { claims } = verdict;
    return dataSource.transaction(async (manager): Promise<DetailsOutcome> => {
      const alert = await acknowledgements.findAlert(claims.alertId, manager);
      const recorded = await this.alerts.find(claims.alertId, manager);
      const delivery = await this.deliveries.find(claims.deliveryId, manager);
      // A well-signed token naming a delivery of another alert or organisation, or an end
      // notice (which carries no link), is as useless as a forged one.
      if (
        alert === null ||
        recorded === null ||
        delivery === null ||
        delivery.alertId !== claims.alertId ||
        delivery.organisationId !== claims.organisationId ||
        isEndPurpose(delivery.purpose)
      ) {
        return { kind: 'invalid' };
      }
      if (!isLive(alert.state)) {
        return { kind: alert.state === 'superseded' ? 'superseded' : 'closed', alert };
      }
      const [organisation] = await queryRows<{ kind: string }>(
        manager,
        `SELECT kind FROM ${this.organisations} WHERE id = $1`,
        [delivery.organisationId],
      );
      const recipientKind = organisation?.kind;
      if (recipientKind === undefined || !mayReceive(purposeOf(recorded.request), recipientKind)) {
        return { kind: 'invalid' };
      }
      let stage;
      if (delivery.purpose === 'follow_up') {
        stage = await this.stages.findCleared(delivery, recipientKind, manager);
        if (stage === null) return { kind: 'invalid' };
      }
      const view = deliveryView(delivery, recorded.request, {
        ...(stage === undefined ? {} : { stage }),
        recipientKind,
      });
      const action = disclosureAction(view.level);
      if (action !== null) {
        await this.audit.append(manager, {
          actor: {
            type: 'link',
            organisationId: delivery.organisationId,
            organisationKind: recipientKind,
            deliveryId: delivery.id,
          },
          action,
          resource: { kind: 'alert', id: delivery.alertId },
          reason: delivery.matchedRule,
          details: {
            deliveryId: delivery.id,
            organisationId: delivery.organisationId,
            organisationKind: recipientKind,
            contactId: delivery.contactId,
            channel: delivery.channel,
            purpose: delivery.purpose,
            stageId: delivery.stageId,
            escalationLevel: delivery.escalationLevel,
            shownBy: 'acknowledgement link',
          },
        });
      }
      const acknowledgement = await acknowledgements.ofOrganisation(
        claims.alertId,
        claims.organisationId,
        manager,
      );
      const used = await acknowledgements.byToken(claims.tokenId, manager);
      return {
        kind: 'details',
        alert,
        view,
        acknowledgement,
        canAcknowledge: acknowledgement === null && used === null,
      };
    });
  }
}
