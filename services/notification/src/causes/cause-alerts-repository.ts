import type { DisclosureLevel, OrganisationKind, Severity } from '@harbour/contracts';
import { type FieldCipher, quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryChannelKind } from '../delivery/delivery-repository';
import type { AlertState } from '../domain/alert-state';
import type { DeliveryPurpose, DeliveryStatus } from '../domain/delivery';
import { mayReceive, RESPONSE_PURPOSE } from '../domain/purpose';
import { ACKNOWLEDGEMENT_RESPONSE_COLUMN } from '../security/encrypted-columns';
import { queryRows } from '@harbour/platform';
import type { CauseRef } from './cause-ref';

/** An alert of a cause, as its owner may see it: the title, never the summary lines. */
export interface CauseAlertRecord {
  id: string;
  title: string;
  severity: Severity;
  disclosureLevel: DisclosureLevel;
  state: AlertState;
  requestedAt: Date;
  supersedes: string | null;
}

export interface CauseStageRecord {
  alertId: string;
  level: DisclosureLevel;
  releasedAt: Date;
  roles: OrganisationKind[] | null;
}

/** A delivery of the alert itself (or an escalation of it) to a recipient organisation. */
export interface CauseDeliveryRecord {
  alertId: string;
  organisationId: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  matchedRule: string;
  purpose: Extract<DeliveryPurpose, 'alert' | 'escalation'>;
  channel: DeliveryChannelKind;
  status: DeliveryStatus;
  sentAt: Date | null;
  createdAt: Date;
}

/**
 * An organisation's acknowledgement of an alert, with the response it typed (if any) — null too
 * when the reader may not receive responses (purpose-bound sharing).
 */
export interface CauseAcknowledgementRecord {
  alertId: string;
  organisationId: string;
  acknowledgedAt: Date;
  response: string | null;
}

export interface CauseAlertRecords {
  alerts: CauseAlertRecord[];
  stages: CauseStageRecord[];
  deliveries: CauseDeliveryRecord[];
  acknowledgements: CauseAcknowledgementRecord[];
}

interface AlertRow {
  id: string;
  title: string;
  severity: Severity;
  disclosure_level: DisclosureLevel;
  state: AlertState;
  requested_at: Date;
  supersedes: string | null;
}

interface StageRow {
  alert_id: string;
  level: DisclosureLevel;
  released_at: Date;
  roles: OrganisationKind[] | null;
}

interface DeliveryRow {
  alert_id: string;
  organisation_id: string;
  organisation_name: string;
  organisation_kind: OrganisationKind;
  matched_rule: string;
  purpose: CauseDeliveryRecord['purpose'];
  channel: DeliveryChannelKind;
  status: DeliveryStatus;
  sent_at: Date | null;
  created_at: Date;
}

interface AcknowledgementRow {
  alert_id: string;
  organisation_id: string;
  acknowledged_at: Date;
  response_encrypted: string | null;
}

/**
 * The alerts of one cause with what became of them: released stages, the deliveries of the alert
 * and its escalations (follow-ups and end notices are the partners' business), and
 * acknowledgements. Read in one repeatable-read transaction, so the parts agree.
 *
 * Partners' responses are victim-support data (`RESPONSE_PURPOSE`): an owner whose kind may not
 * receive them (`mayReceive`: immigration enforcement, e.g. UKVI that planned a welfare visit)
 * sees who acknowledged and when, never what they said they can bring. The responses are left
 * behind here — never even decrypted — so no caller can pass them on by mistake.
 */
export class CauseAlertsRepository {
  private readonly schema: string;

  constructor(
    private readonly dataSource: DataSource,
    /** Opens the partners' responses, stored encrypted. */
    private readonly cipher: FieldCipher,
  ) {
    this.schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
  }

  /**
   * The cause's alerts, newest first — only those naming `ownerOrganisationId` as the cause's
   * owner when it is given — with their stages, deliveries and acknowledgements, oldest first.
   * `null` is a coordinator's read: every alert, every response.
   */
  async ofCause(cause: CauseRef, ownerOrganisationId: string | null): Promise<CauseAlertRecords> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const alerts = await this.alerts(manager, cause, ownerOrganisationId);
      if (alerts.length === 0) return { alerts, stages: [], deliveries: [], acknowledgements: [] };
      const ids = alerts.map((alert) => alert.id);
      const showResponses =
        ownerOrganisationId === null || (await this.mayReadResponses(manager, ownerOrganisationId));
      return {
        alerts,
        stages: await this.stages(manager, ids),
        deliveries: await this.deliveries(manager, ids),
        acknowledgements: await this.acknowledgements(manager, ids, showResponses),
      };
    });
  }

  /**
   * Whether the owner may read partners' responses, by its kind in the directory. An owner the
   * directory does not know has no kind the rule allows: it reads none.
   */
  private async mayReadResponses(manager: EntityManager, organisationId: string): Promise<boolean> {
    const rows = await queryRows<{ kind: string }>(
      manager,
      `SELECT kind FROM ${this.schema}.organisation WHERE id = $1`,
      [organisationId],
    );
    const kind = rows[0]?.kind;
    return kind !== undefined && mayReceive(RESPONSE_PURPOSE, kind);
  }

  private async alerts(
    manager: EntityManager,
    cause: CauseRef,
    ownerOrganisationId: string | null,
  ): Promise<CauseAlertRecord[]> {
    const rows = await queryRows<AlertRow>(
      manager,
      `SELECT id, summary->>'title' AS title, severity, disclosure_level, state, requested_at,
              supersedes
         FROM ${this.schema}.alert
        WHERE cause->>'kind' = $1 AND lower(cause->>'id') = $2
          AND ($3::uuid IS NULL OR cause_owner_organisation_id = $3::uuid)
        ORDER BY requested_at DESC, created_at DESC, id`,
      [cause.kind, cause.id, ownerOrganisationId],
    );
    return rows.map((row) => ({
      id: row.id,
      title: row.title,
      severity: row.severity,
      disclosureLevel: row.disclosure_level,
      state: row.state,
      requestedAt: row.requested_at,
      supersedes: row.supersedes,
    }));
  }

  private async stages(manager: EntityManager, alertIds: string[]): Promise<CauseStageRecord[]> {
    const rows = await queryRows<StageRow>(
      manager,
      `SELECT alert_id, level, released_at, roles FROM ${this.schema}.alert_stage
        WHERE alert_id = ANY($1::uuid[])
        ORDER BY released_at, recorded_at, id`,
      [alertIds],
    );
    return rows.map((row) => ({
      alertId: row.alert_id,
      level: row.level,
      releasedAt: row.released_at,
      roles: row.roles,
    }));
  }

  private async deliveries(
    manager: EntityManager,
    alertIds: string[],
  ): Promise<CauseDeliveryRecord[]> {
    const rows = await queryRows<DeliveryRow>(
      manager,
      `SELECT d.alert_id, d.organisation_id, o.name AS organisation_name,
              o.kind AS organisation_kind, d.matched_rule, d.purpose, d.channel, d.status,
              d.sent_at, d.created_at
         FROM ${this.schema}.delivery d JOIN ${this.schema}.organisation o ON o.id = d.organisation_id
        WHERE d.alert_id = ANY($1::uuid[]) AND d.purpose IN ('alert', 'escalation')
        ORDER BY d.created_at, d.id`,
      [alertIds],
    );
    return rows.map((row) => ({
      alertId: row.alert_id,
      organisationId: row.organisation_id,
      organisationName: row.organisation_name,
      organisationKind: row.organisation_kind,
      matchedRule: row.matched_rule,
      purpose: row.purpose,
      channel: row.channel,
      status: row.status,
      sentAt: row.sent_at,
      createdAt: row.created_at,
    }));
  }

  private async acknowledgements(
    manager: EntityManager,
    alertIds: string[],
    withResponses: boolean,
  ): Promise<CauseAcknowledgementRecord[]> {
    const rows = await queryRows<AcknowledgementRow>(
      manager,
      `SELECT alert_id, organisation_id, acknowledged_at, response_encrypted
         FROM ${this.schema}.acknowledgement
        WHERE alert_id = ANY($1::uuid[])
        ORDER BY acknowledged_at, id`,
      [alertIds],
    );
    return rows.map((row) => ({
      alertId: row.alert_id,
      organisationId: row.organisation_id,
      acknowledgedAt: row.acknowledged_at,
      response:
        withResponses && row.response_encrypted !== null
          ? this.cipher.decrypt(row.response_encrypted, ACKNOWLEDGEMENT_RESPONSE_COLUMN.context)
          : null,
    }));
  }
}
