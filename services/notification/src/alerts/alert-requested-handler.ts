import type { AlertRequested } from '@harbour/contracts';
import type { HarbourEvent } from '@harbour/messaging';
import type { Logger } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { DirectoryRepository } from '../directory/directory-repository';
import { coordinatorFallbackRule, type Recipient, resolveAudience } from '../domain/audience';
import { contactsToAlert } from '../domain/duty-hours';
import { partitionByPurpose, type Purpose, purposeOf, withheldNote } from '../domain/purpose';
import type { DeliveryRepository, NewDelivery } from '../delivery/delivery-repository';
import type { EscalationTimers } from '../escalation/escalation-timers';
import type { AlertHandlerOptions } from './alert-handler-options';
import type { AlertRepository } from './alert-repository';
import { audienceCandidates } from './audience-candidates';
import { AlertSupersession } from './alert-supersession';

export const ALERT_REQUESTED = 'harbour.alert.requested';

export type AlertRequestedHandlerOptions = AlertHandlerOptions;

/**
 * `harbour.alert.requested` → the alert row and one pending delivery per contact of every
 * organisation the audience reaches, all in the consumer's transaction (with its inbox row), so
 * a redelivered event changes nothing, with the alert's escalation timer. Sending happens after
 * commit, through the queue. An alert that `supersedes` another replaces it in the same
 * transaction (`AlertSupersession`).
 *
 * Purpose-bound sharing: an organisation the routing chose that may not receive the alert's
 * purpose (`mayReceive`: a referral or bed request never reaches immigration enforcement) gets no
 * delivery; it is logged by id as withheld, and when nobody else is left the coordinator is
 * alerted instead, its delivery's rule saying something was withheld.
 */
export class AlertRequestedHandler {
  private readonly alerts: AlertRepository;
  private readonly directory: DirectoryRepository;
  private readonly deliveries: DeliveryRepository;
  private readonly logger: Logger;
  private readonly escalation: EscalationTimers;
  private readonly supersession: AlertSupersession;

  constructor(options: AlertRequestedHandlerOptions) {
    this.alerts = options.alerts;
    this.directory = options.directory;
    this.deliveries = options.deliveries;
    this.logger = options.logger;
    this.escalation = options.escalation;
    this.supersession = new AlertSupersession(options);
  }

  async onRequested(event: HarbourEvent, manager: EntityManager): Promise<void> {
    // The consumer validated the payload against the contract before calling us.
    const alert = event.data as AlertRequested;
    const about = { alertId: alert.alertId, severity: alert.severity, eventId: event.id };
    if (!(await this.alerts.record(alert, manager))) {
      this.logger.info(about, 'alert already recorded; request ignored');
      return;
    }
    if (await this.supersession.supersededOnArrival(manager, alert)) return;
    // The escalation policy is snapshotted and its first timer armed with the alert itself.
    await this.escalation.planAndSchedule(manager, alert);
    const candidates = await audienceCandidates(this.directory, alert.audience, manager);
    const purpose = purposeOf(alert);
    const resolved = resolveAudience(alert.audience, candidates, purpose);
    this.logWithheld(alert.alertId, purpose, resolved.withheld);
    let recipients = resolved.recipients;
    let deliveries = await this.deliveriesTo(alert, recipients, manager);
    if (deliveries.length === 0) {
      // Never silence: when no partner can be reached (neither selected nor named, or none with
      // a contact, or none the purpose allows), the coordinator is alerted instead.
      const rule =
        resolved.withheld.length === 0
          ? coordinatorFallbackRule(alert.audience)
          : `${coordinatorFallbackRule(alert.audience)} & ${withheldNote(purpose)}`;
      const coordinators = partitionByPurpose(
        purpose,
        await this.directory.organisationsOfKinds(['coordinator'], manager),
        (organisation) => organisation.kind,
      );
      recipients = coordinators.allowed.map((organisation) => ({ organisation, rule }));
      deliveries = await this.deliveriesTo(alert, recipients, manager);
      // Audience and boroughs are routing data, never personal data.
      const routing = { roles: alert.audience.roles, boroughs: alert.audience.boroughs };
      if (deliveries.length === 0) {
        this.logger.error({ ...about, ...routing }, 'alert reaches nobody, not even a coordinator');
      } else {
        this.logger.warn({ ...about, ...routing }, 'alert reaches no partner: coordinator alerted');
      }
    }
    await this.deliveries.addPending(deliveries, manager);
    // After its own deliveries: who the new alert reaches decides who hears of the old one.
    await this.supersession.supersede(manager, alert);
    this.logger.info(
      {
        ...about,
        organisations: recipients.length,
        deliveries: deliveries.length,
        withheld: resolved.withheld.length,
      },
      'alert recorded; deliveries pending',
    );
  }

  /**
   * Records, by id only, the organisations the purpose kept the alert from, so a coordinator
   * reading the log sees it was withheld, not lost.
   */
  private logWithheld(alertId: string, purpose: Purpose, withheld: readonly Recipient[]): void {
    if (withheld.length === 0) return;
    this.logger.warn(
      {
        alertId,
        purpose,
        organisationIds: withheld.map((recipient) => recipient.organisation.id),
      },
      withheldNote(purpose),
    );
  }

  /**
   * One pending delivery per contact each recipient is reached at now (its out-of-hours contacts
   * too when the alert comes outside its duty hours); warns about recipients with none.
   */
  private async deliveriesTo(
    alert: AlertRequested,
    recipients: Recipient[],
    manager: EntityManager,
  ): Promise<NewDelivery[]> {
    const contacts = await this.directory.contactsOf(
      recipients.map((r) => r.organisation.id),
      manager,
    );
    const unreachable = recipients
      .filter((r) => !contacts.some((c) => c.organisationId === r.organisation.id))
      .map((r) => r.organisation.id);
    if (unreachable.length > 0) {
      this.logger.warn(
        { alertId: alert.alertId, organisationIds: unreachable },
        'organisations in the audience have no contact; they are not alerted',
      );
    }
    const at = new Date(alert.requestedAt);
    return recipients.flatMap((recipient) =>
      contactsToAlert(
        contacts.filter((contact) => contact.organisationId === recipient.organisation.id),
        recipient.organisation.dutyHours,
        at,
      ).map((contact) => ({
        alertId: alert.alertId,
        organisationId: recipient.organisation.id,
        contactId: contact.id,
        channel: contact.channel,
        address: contact.address,
        matchedRule: recipient.rule,
      })),
    );
  }
}
