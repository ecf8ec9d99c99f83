import type { DisclosureLevel, OrganisationKind, Severity } from '@harbour/contracts';
import type { DeliveryChannelKind } from '../delivery/delivery-repository';
import type { AlertState } from '../domain/alert-state';
import { NAMED_ORGANISATION_RULE } from '../domain/audience';
import type { DeliveryStatus } from '../domain/delivery';
import type { CauseAlertRecords, CauseDeliveryRecord } from './cause-alerts-repository';
import type { CauseRef } from './cause-ref';

/** `GET /v1/causes/{kind}/{id}/alerts`: every alert of a cause, newest first. */
export interface CauseAlertsView {
  cause: CauseRef;
  alerts: CauseAlertView[];
}

/** One alert: its title only (the owner has the detail; the lines may hold operational detail). */
export interface CauseAlertView {
  alertId: string;
  title: string;
  severity: Severity;
  disclosureLevel: DisclosureLevel;
  /** open | acknowledged | closed | superseded, as `GET /v1/alerts/{id}` has it. */
  state: AlertState;
  requestedAt: string;
  /** The earlier alert of the cause this one replaced. */
  supersedes?: string;
  /** Later disclosure stages released to recipients, oldest first. */
  stagesReleased: { level: DisclosureLevel; releasedAt: string; roles?: OrganisationKind[] }[];
  recipients: CauseAlertRecipientView[];
}

/** An organisation the alert (or an escalation of it) went to, and what it answered. */
export interface CauseAlertRecipientView {
  organisation: { id: string; name: string; kind: OrganisationKind };
  /** Why it was chosen, e.g. `role=ngo & borough=E09000007 & specialism∈labour`. */
  rule: string;
  /** Of the alert and its escalations, in the order they were created. */
  deliveries: {
    /** `escalation`: sent because nobody acknowledged in time. */
    purpose: CauseDeliveryRecord['purpose'];
    channel: DeliveryChannelKind;
    status: DeliveryStatus;
    deliveredAt?: string;
  }[];
  acknowledgedAt?: string;
  /** What the partner typed when acknowledging ("2 caseworkers, 1 Albanian interpreter"). */
  response?: string;
}

/**
 * Assembles the view from what the repository read. A recipient is an organisation with a
 * delivery of the alert or an escalation of it; its rule is that of its first delivery of the
 * alert itself (an escalation's when it has none). Recipients are listed by when they were first
 * sent to (the alert's recipients, then those escalations added), those the audience's roles
 * selected before those it named, then by name.
 */
export function causeAlertsView(cause: CauseRef, records: CauseAlertRecords): CauseAlertsView {
  return {
    cause,
    alerts: records.alerts.map((alert): CauseAlertView => {
      const view: CauseAlertView = {
        alertId: alert.id,
        title: alert.title,
        severity: alert.severity,
        disclosureLevel: alert.disclosureLevel,
        state: alert.state,
        requestedAt: alert.requestedAt.toISOString(),
        stagesReleased: records.stages
          .filter((stage) => stage.alertId === alert.id)
          .map((stage) => ({
            level: stage.level,
            releasedAt: stage.releasedAt.toISOString(),
            ...(stage.roles === null ? {} : { roles: stage.roles }),
          })),
        recipients: recipientsOf(
          records.deliveries.filter((delivery) => delivery.alertId === alert.id),
          records.acknowledgements.filter((ack) => ack.alertId === alert.id),
        ),
      };
      if (alert.supersedes !== null) view.supersedes = alert.supersedes;
      return view;
    }),
  };
}

function recipientsOf(
  deliveries: CauseDeliveryRecord[],
  acknowledgements: CauseAlertRecords['acknowledgements'],
): CauseAlertRecipientView[] {
  const byOrganisation = new Map<string, CauseDeliveryRecord[]>();
  for (const delivery of deliveries) {
    const own = byOrganisation.get(delivery.organisationId) ?? [];
    own.push(delivery);
    byOrganisation.set(delivery.organisationId, own);
  }
  const recipients = [...byOrganisation.values()].map((own) => {
    const [first] = own as [CauseDeliveryRecord, ...CauseDeliveryRecord[]];
    const ruleFrom = own.find((delivery) => delivery.purpose === 'alert') ?? first;
    const recipient: CauseAlertRecipientView = {
      organisation: {
        id: first.organisationId,
        name: first.organisationName,
        kind: first.organisationKind,
      },
      rule: ruleFrom.matchedRule,
      deliveries: own.map((delivery) => ({
        purpose: delivery.purpose,
        channel: delivery.channel,
        status: delivery.status,
        ...(delivery.sentAt === null ? {} : { deliveredAt: delivery.sentAt.toISOString() }),
      })),
    };
    // One acknowledgement per organisation and alert (the table's unique key).
    const acknowledgement = acknowledgements.find(
      (ack) => ack.organisationId === first.organisationId,
    );
    if (acknowledgement !== undefined) {
      recipient.acknowledgedAt = acknowledgement.acknowledgedAt.toISOString();
      if (acknowledgement.response !== null) recipient.response = acknowledgement.response;
    }
    return { recipient, since: first.createdAt.getTime() };
  });
  // The deliveries of one alert share their transaction's time: the rule and name order them.
  const named = (r: CauseAlertRecipientView): number =>
    r.rule === NAMED_ORGANISATION_RULE ? 1 : 0;
  return recipients
    .sort(
      (a, b) =>
        a.since - b.since ||
        named(a.recipient) - named(b.recipient) ||
        a.recipient.organisation.name.localeCompare(b.recipient.organisation.name, 'en-GB') ||
        a.recipient.organisation.id.localeCompare(b.recipient.organisation.id),
    )
    .map(({ recipient }) => recipient);
}
