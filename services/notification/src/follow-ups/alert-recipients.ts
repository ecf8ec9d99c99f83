import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryChannelKind } from '../delivery/delivery-repository';
import { queryRows } from '../infrastructure/query-rows';

/** A contact the alert itself was addressed to, with its organisation's kind. */
export interface AlertRecipient {
  organisationId: string;
  organisationKind: string;
  contactId: string;
  channel: DeliveryChannelKind;
  address: string;
  /** Why the organisation was chosen for the alert. */
  matchedRule: string;
}

interface RecipientRow {
  organisation_id: string;
  organisation_kind: string;
  contact_id: string;
  channel: DeliveryChannelKind;
  address: string;
  matched_rule: string;
}

/**
 * The recipients of an alert: the contacts of its `purpose = 'alert'` deliveries, whatever
 * became of them (a pending or failed original still makes its contact a recipient). Contacts
 * reached only through escalation are not included.
 */
export class AlertRecipients {
  private readonly deliveries: string;
  private readonly organisations: string;

  constructor(dataSource: DataSource) {
    const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.deliveries = `${schema}.delivery`;
    this.organisations = `${schema}.organisation`;
  }

  async of(alertId: string, manager: EntityManager): Promise<AlertRecipient[]> {
    const rows = await queryRows<RecipientRow>(
      manager,
      `SELECT d.organisation_id, o.kind AS organisation_kind, d.contact_id, d.channel, d.address,
              d.matched_rule
         FROM ${this.deliveries} d JOIN ${this.organisations} o ON o.id = d.organisation_id
        WHERE d.alert_id = $1 AND d.purpose = 'alert'
        ORDER BY d.created_at, d.id`,
      [alertId],
    );
    return rows.map((row) => ({
      organisationId: row.organisation_id,
      organisationKind: row.organisation_kind,
      contactId: row.contact_id,
      channel: row.channel,
      address: row.address,
      matchedRule: row.matched_rule,
    }));
  }
}
