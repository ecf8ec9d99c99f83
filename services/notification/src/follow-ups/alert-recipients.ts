import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryChannelKind } from '../delivery/delivery-repository';
import { queryRows } from '@harbour/platform';

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

/** Who an alert went to, read from its deliveries. */
export class AlertRecipients {
  private readonly deliveries: string;
  private readonly organisations: string;

  constructor(dataSource: DataSource) {
    const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.deliveries = `${schema}.delivery`;
    this.organisations = `${schema}.organisation`;
  }

  /**
   * The recipients of the alert itself: the contacts of its `purpose = 'alert'` deliveries,
   * whatever became of them (a pending or failed original still makes its contact a recipient).
   * Contacts reached only through escalation are not included.
   */
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
    return rows.map(toRecipient);
  }

  /**
   * Every contact the alert or one of its escalations was sent to (or is being sent to: a
   * pending delivery goes out), once each, with the rule of its first such delivery. A contact
   * whose every such delivery failed was never reached and is left out.
   */
  async reached(alertId: string, manager: EntityManager): Promise<AlertRecipient[]> {
    const rows = await queryRows<RecipientRow>(
      manager,
      `SELECT organisation_id, organisation_kind, contact_id, channel, address, matched_rule
         FROM (SELECT DISTINCT ON (d.contact_id)
                      d.organisation_id, o.kind AS organisation_kind, d.contact_id, d.channel,
                      d.address, d.matched_rule, d.created_at, d.id
                 FROM ${this.deliveries} d JOIN ${this.organisations} o ON o.id = d.organisation_id
                WHERE d.alert_id = $1 AND d.purpose IN ('alert', 'escalation')
                  AND d.status <> 'failed'
                ORDER BY d.contact_id, d.created_at, d.id) first
        ORDER BY created_at, id`,
      [alertId],
    );
    return rows.map(toRecipient);
  }

  /** The organisations any of these alerts was addressed to (their `alert` deliveries). */
  async organisationsAddressed(
    alertIds: readonly string[],
    manager: EntityManager,
  ): Promise<Set<string>> {
    if (alertIds.length === 0) return new Set();
    const rows = await queryRows<{ organisation_id: string }>(
      manager,
      `SELECT DISTINCT organisation_id FROM ${this.deliveries}
        WHERE alert_id = ANY($1::uuid[]) AND purpose = 'alert'`,
      [[...alertIds]],
    );
    return new Set(rows.map((row) => row.organisation_id));
  }
}

function toRecipient(row: RecipientRow): AlertRecipient {
  return {
    organisationId: row.organisation_id,
    organisationKind: row.organisation_kind,
    contactId: row.contact_id,
    channel: row.channel,
    address: row.address,
    matchedRule: row.matched_rule,
  };
}
