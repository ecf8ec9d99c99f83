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
import { type AudienceDirectory, audienceDirectory } from './audience-candidates';
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
    // Three round trips: the supersession lock (this alert's id and the one it replaces), the
    // directory the audience may reach, then the alert recorded with its escalation policy,
    // first timer and deliveries in one statement (nothing of which is written when the alert
    // was already recorded, or arrives already superseded).
    await this.alerts.lockSupersession(
      alert.supersedes === undefined ? [alert.alertId] : [alert.alertId, alert.supersedes],
      manager,
    );
    const directory = await audienceDirectory(this.directory, alert.audience, manager);
    const purpose = purposeOf(alert);
    const resolved = resolveAudience(alert.audience, directory.candidates, purpose);
    let recipients = resolved.recipients;
    let deliveries = this.deliveriesTo(alert, recipients, directory);
    let fallbackRule: string | null = null;
    if (deliveries.length === 0) {
      // Never silence: when no partner can be reached (neither selected nor named, or none with
      // a contact, or none the purpose allows), the coordinator is alerted instead.
      fallbackRule =
        resolved.withheld.length === 0
          ? coordinatorFallbackRule(alert.audience)
          : `${coordinatorFallbackRule(alert.audience)} & ${withheldNote(purpose)}`;
      const rule = fallbackRule;
      const coordinators = partitionByPurpose(
        purpose,
        directory.coordinators,
        (organisation) => organisation.kind,
      );
      recipients = coordinators.allowed.map((organisation) => ({ organisation, rule }));
      deliveries = this.deliveriesTo(alert, recipients, directory);
    }
    // The escalation policy is snapshotted and its first timer armed with the alert itself.
    const plan = this.escalation.plan(alert);
    const opening = await this.alerts.recordOpening(
      alert,
      {
        policy: plan.policy,
        effects: (parameters, whenOpen) => {
          const timers = this.escalation.timersInsert(
            alert.alertId,
            plan,
            parameters,
            'timers',
            whenOpen,
          );
          if (deliveries.length === 0) return [timers];
          const insert = this.deliveries.pendingInsert(deliveries, parameters, 'added', whenOpen);
          return [timers, insert.sql];
        },
        ...(deliveries.length === 0 ? {} : { ids: 'added' }),
      },
      manager,
    );
    if (!opening.recorded) {
      this.logger.info(about, 'alert already recorded; request ignored');
      return;
    }
    if (opening.supersededBy !== null) {
      this.logger.warn(
        { alertId: alert.alertId, supersededBy: opening.supersededBy.id },
        'alert arrived after the alert that supersedes it: recorded superseded, not delivered',
      );
      return;
    }
    this.logWithheld(alert.alertId, purpose, resolved.withheld);
    this.logUnreachable(alert.alertId, resolved.recipients, directory);
    if (fallbackRule !== null) {
      this.logUnreachable(alert.alertId, recipients, directory);
      // Audience and boroughs are routing data, never personal data.
      const routing = { roles: alert.audience.roles, boroughs: alert.audience.boroughs };
      if (deliveries.length === 0) {
        this.logger.error({ ...about, ...routing }, 'alert reaches nobody, not even a coordinator');
      } else {
        this.logger.warn({ ...about, ...routing }, 'alert reaches no partner: coordinator alerted');
      }
    }
    // After its own deliveries: who the new alert reaches decides who hears of the old one.
    await this.supersession.supersede(manager, alert);
    this.logger.info(
      {
        ...about,
        organisations: recipients.length,
        deliveries: opening.effectIds.length,
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

  /** Warns, by id, about recipients with no contact: they are not alerted. */
  private logUnreachable(
    alertId: string,
    recipients: readonly Recipient[],
    directory: AudienceDirectory,
  ): void {
    const unreachable = recipients
      .filter((r) => directory.contactsOf(r.organisation.id).length === 0)
      .map((r) => r.organisation.id);
    if (unreachable.length > 0) {
      this.logger.warn(
        { alertId, organisationIds: unreachable },
        'organisations in the audience have no contact; they are not alerted',
      );
    }
  }

  /**
   * One pending delivery per contact each recipient is reached at now (its out-of-hours contacts
   * too when the alert comes outside its duty hours).
   */
  private deliveriesTo(
    alert: AlertRequested,
    recipients: readonly Recipient[],
    directory: AudienceDirectory,
  ): NewDelivery[] {
    const at = new Date(alert.requestedAt);
    return recipients.flatMap((recipient) =>
      contactsToAlert(
        directory.contactsOf(recipient.organisation.id),
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
