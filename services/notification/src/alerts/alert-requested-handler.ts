import type { AlertRequested } from '@harbour/contracts';
import type { HarbourEvent } from '@harbour/messaging';
import type { Logger } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { DirectoryRepository } from '../directory/directory-repository';
import { resolveAudience } from '../domain/audience';
import type { DeliveryRepository, NewDelivery } from '../delivery/delivery-repository';
import type { AlertRepository } from './alert-repository';

export const ALERT_REQUESTED = 'harbour.alert.requested';

/**
 * `harbour.alert.requested` → the alert row and one pending delivery per contact of every
 * organisation the audience reaches, all in the consumer's transaction (with its inbox row), so
 * a redelivered event changes nothing. Sending happens after commit, through the queue.
 */
export class AlertRequestedHandler {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly directory: DirectoryRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly logger: Logger,
  ) {}

  async onRequested(event: HarbourEvent, manager: EntityManager): Promise<void> {
    // The consumer validated the payload against the contract before calling us.
    const alert = event.data as AlertRequested;
    const about = { alertId: alert.alertId, severity: alert.severity, eventId: event.id };
    if (!(await this.alerts.record(alert, manager))) {
      this.logger.info(about, 'alert already recorded; request ignored');
      return;
    }
    const candidates = await this.directory.organisationsOfKinds(alert.audience.roles, manager);
    const recipients = resolveAudience(alert.audience, candidates);
    const contacts = await this.directory.contactsOf(
      recipients.map((r) => r.organisation.id),
      manager,
    );
    const deliveries: NewDelivery[] = recipients.flatMap((recipient) =>
      contacts
        .filter((contact) => contact.organisationId === recipient.organisation.id)
        .map((contact) => ({
          alertId: alert.alertId,
          organisationId: recipient.organisation.id,
          contactId: contact.id,
          channel: contact.channel,
          address: contact.address,
          matchedRule: recipient.rule,
        })),
    );
    await this.deliveries.addPending(deliveries, manager);

    const unreachable = recipients
      .filter((r) => !contacts.some((c) => c.organisationId === r.organisation.id))
      .map((r) => r.organisation.id);
    if (unreachable.length > 0) {
      this.logger.warn(
        { ...about, organisationIds: unreachable },
        'organisations in the audience have no contact; they are not alerted',
      );
    }
    if (deliveries.length === 0) {
      // Audience and boroughs are routing data, never personal data.
      this.logger.warn(
        {
          ...about,
          roles: alert.audience.roles,
          boroughs: alert.audience.boroughs,
          organisationsMatched: recipients.length,
        },
        'alert reaches nobody: recorded with no deliveries',
      );
      return;
    }
    this.logger.info(
      { ...about, organisations: recipients.length, deliveries: deliveries.length },
      'alert recorded; deliveries pending',
    );
  }
}
