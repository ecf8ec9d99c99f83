import type { OrganisationKind } from '@harbour/contracts';
import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { DirectoryRepository } from '../directory/directory-repository';
import { type Audience, resolveAudience } from '../domain/audience';
import { partitionByPurpose, type Purpose, withheldNote } from '../domain/purpose';
import {
  type EscalationLevel,
  type EscalationStep,
  escalationLabel,
} from '../domain/escalation-policy';
import { queryRows } from '@harbour/platform';

/** One contact an escalation goes to, and why (the delivery's matched rule). */
export interface EscalationTarget {
  organisationId: string;
  organisationKind: OrganisationKind;
  contactId: string;
  channel: string;
  address: string;
  rule: string;
}

export interface ResolvedEscalation {
  targets: EscalationTarget[];
  /** The level reached nobody, so the coordinators were escalated to instead. */
  fallback: boolean;
  /**
   * Organisations the level chose that may not receive the alert's purpose (`mayReceive`): no
   * contact of theirs is among `targets`. Ids only, for the log.
   */
  withheldOrganisationIds: string[];
}

interface ContactRow {
  id: string;
  organisation_id: string;
  kind: OrganisationKind;
  channel: string;
  address: string;
}

/**
 * Resolves an escalation level to contacts: the out-of-hours contacts of the organisations the
 * alert went to (`outOfHours`), and every contact of the organisations of `roles` serving
 * `boroughs` (default: the alert's boroughs), matched like an audience. Whatever the level says,
 * only organisations that may receive the alert's purpose are targets (purpose-bound sharing: a
 * referral's escalation never reaches immigration enforcement); the others are reported as
 * withheld. A level that reaches nobody goes to the coordinators instead: an escalation is never
 * silent.
 */
export class EscalationTargets {
  private readonly contacts: string;
  private readonly organisations: string;
  private readonly deliveries: string;

  constructor(
    dataSource: DataSource,
    private readonly directory: DirectoryRepository,
  ) {
    const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.contacts = `${schema}.contact`;
    this.organisations = `${schema}.organisation`;
    this.deliveries = `${schema}.delivery`;
  }

  async resolve(
    manager: EntityManager,
    alert: { id: string; audience: Audience; purpose: Purpose },
    level: EscalationLevel,
    step: EscalationStep,
  ): Promise<ResolvedEscalation> {
    const label = escalationLabel(step);
    const chosen: EscalationTarget[] = [];
    const withheld = new Set<string>();
    if (level.outOfHours === true) {
      const rows = await this.outOfHoursContacts(manager, alert.id);
      chosen.push(
        ...rows.map((row) =>
          target(row, `${label}: out-of-hours contact of an alerted organisation`),
        ),
      );
    }
    const roles = level.roles ?? [];
    if (roles.length > 0) {
      const audience: Audience = { roles, boroughs: level.boroughs ?? alert.audience.boroughs };
      const candidates = await this.directory.organisationsOfKinds(roles, manager);
      const resolved = resolveAudience(audience, candidates, alert.purpose);
      for (const recipient of resolved.withheld) withheld.add(recipient.organisation.id);
      const rules = new Map(resolved.recipients.map((r) => [r.organisation.id, r.rule]));
      const rows = await this.contactsOf(manager, [...rules.keys()]);
      chosen.push(
        ...rows.map((row) => target(row, `${label}: ${rules.get(row.organisation_id) ?? ''}`)),
      );
    }
    // The out-of-hours contacts too: an organisation alerted before the rule held stays unreached.
    const allowed = partitionByPurpose(alert.purpose, chosen, (t) => t.organisationKind);
    for (const t of allowed.withheld) withheld.add(t.organisationId);
    const withheldOrganisationIds = [...withheld];
    const once = uniqueContacts(allowed.allowed);
    if (once.length > 0) return { targets: once, fallback: false, withheldOrganisationIds };
    const coordinators = partitionByPurpose(
      alert.purpose,
      await this.directory.organisationsOfKinds(['coordinator'], manager),
      (organisation) => organisation.kind,
    );
    const rows = await this.contactsOf(
      manager,
      coordinators.allowed.map((organisation) => organisation.id),
    );
    const fallback = `${label}: fallback=coordinator: the level reached nobody`;
    // The coordinator sees from the rule that the level chose someone the purpose kept it from.
    const rule =
      withheldOrganisationIds.length === 0
        ? fallback
        : `${fallback} & ${withheldNote(alert.purpose)}`;
    return {
      targets: rows.map((row) => target(row, rule)),
      fallback: true,
      withheldOrganisationIds,
    };
  }

  private outOfHoursContacts(manager: EntityManager, alertId: string): Promise<ContactRow[]> {
    return queryRows<ContactRow>(
      manager,
      `SELECT c.id, c.organisation_id, o.kind, c.channel, c.address
         FROM ${this.contacts} c JOIN ${this.organisations} o ON o.id = c.organisation_id
        WHERE c.out_of_hours
          AND c.organisation_id IN
              (SELECT organisation_id FROM ${this.deliveries} WHERE alert_id = $1 AND purpose = 'alert')
        ORDER BY o.name, c.created_at, c.id`,
      [alertId],
    );
  }

  private contactsOf(manager: EntityManager, organisationIds: string[]): Promise<ContactRow[]> {
    if (organisationIds.length === 0) return Promise.resolve([]);
    return queryRows<ContactRow>(
      manager,
      `SELECT c.id, c.organisation_id, o.kind, c.channel, c.address
         FROM ${this.contacts} c JOIN ${this.organisations} o ON o.id = c.organisation_id
        WHERE c.organisation_id = ANY($1::uuid[])
        ORDER BY o.name, c.created_at, c.id`,
      [organisationIds],
    );
  }
}

function target(row: ContactRow, rule: string): EscalationTarget {
  return {
    organisationId: row.organisation_id,
    organisationKind: row.kind,
    contactId: row.id,
    channel: row.channel,
    address: row.address,
    rule,
  };
}

/** A contact reached by two of a level's targets is escalated to once, by the first. */
function uniqueContacts(targets: EscalationTarget[]): EscalationTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => !seen.has(t.contactId) && Boolean(seen.add(t.contactId)));
}
