import { type Logger, queryRows, quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryChannelKind } from '../delivery/delivery-repository';
import { partitionByPurpose, purposeOf, withheldNote } from '../domain/purpose';

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
  /** The alert's `cause.kind`, which decides its purpose. */
  cause_kind: string;
  organisation_id: string;
  organisation_kind: string;
  contact_id: string;
  channel: DeliveryChannelKind;
  address: string;
  matched_rule: string;
}

/**
 * Who an alert went to, read from its deliveries — the recipients of its follow-ups and end
 * notices. Only those that may receive the alert's purpose (`mayReceive`) are returned: a contact
 * alerted before purpose-bound sharing held (or by a bug) hears nothing more of a referral. Such
 * a contact is logged by id as withheld when a logger is given.
 */
export class AlertRecipients {
  private readonly deliveries: string;
  private readonly organisations: string;
  private readonly alerts: string;

  constructor(
    dataSource: DataSource,
    private readonly logger?: Logger,
  ) {
    const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.deliveries = `${schema}.delivery`;
    this.organisations = `${schema}.organisation`;
    this.alerts = `${schema}.alert`;
  }

  /**
   * The recipients of the alert itself: the contacts of its `purpose = 'alert'` deliveries,
   * whatever became of them (a pending or failed original still makes its contact a recipient).
   * Contacts reached only through escalation are not included.
   */
  async of(alertId: string, manager: EntityManager): Promise<AlertRecipient[]> {
    const rows = await queryRows<RecipientRow>(
      manager,
      `SELECT a.cause->>'kind' AS cause_kind, d.organisation_id, o.kind AS organisation_kind,
              d.contact_id, d.channel, d.address, d.matched_rule
         FROM ${this.deliveries} d
         JOIN ${this.organisations} o ON o.id = d.organisation_id
         JOIN ${this.alerts} a ON a.id = d.alert_id
        WHERE d.alert_id = $1 AND d.purpose = 'alert'
        ORDER BY d.created_at, d.id`,
      [alertId],
    );
    return this.purposeBound(alertId, rows);
  }

  /**
   * Every contact the alert or one of its escalations was sent to (or is being sent to: a
   * pending delivery goes out), once each, with the rule of its first such delivery. A contact
   * whose every such delivery failed was never reached and is left out.
   */
  async reached(alertId: string, manager: EntityManager): Promise<AlertRecipient[]> {
    const rows = await queryRows<RecipientRow>(
      manager,
      `SELECT cause_kind, organisation_id, organisation_kind, contact_id, channel, address,
              matched_rule
         FROM (SELECT DISTINCT ON (d.contact_id)
                      a.cause->>'kind' AS cause_kind, d.organisation_id,
                      o.kind AS organisation_kind, d.contact_id, d.channel, d.address,
                      d.matched_rule, d.created_at, d.id
                 FROM ${this.deliveries} d
                 JOIN ${this.organisations} o ON o.id = d.organisation_id
                 JOIN ${this.alerts} a ON a.id = d.alert_id
                WHERE d.alert_id = $1 AND d.purpose IN ('alert', 'escalation')
                  AND d.status <> 'failed'
                ORDER BY d.contact_id, d.created_at, d.id) first
        ORDER BY created_at, id`,
      [alertId],
    );
    return this.purposeBound(alertId, rows);
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

  /** The rows whose organisation may receive the alert's purpose; the others logged as withheld. */
  private purposeBound(alertId: string, rows: readonly RecipientRow[]): AlertRecipient[] {
    const [first] = rows;
    if (first === undefined) return [];
    // Every row is of the one alert, so of one purpose.
    const purpose = purposeOf({ cause: { kind: first.cause_kind } });
    const { allowed, withheld } = partitionByPurpose(purpose, rows, (row) => row.organisation_kind);
    if (withheld.length > 0) {
      this.logger?.warn(
        {
          alertId,
          purpose,
          organisationIds: [...new Set(withheld.map((row) => row.organisation_id))],
        },
        withheldNote(purpose),
      );
    }
    return allowed.map(toRecipient);
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
