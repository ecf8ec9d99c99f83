import { randomUUID } from 'node:crypto';
import type { OrganisationKind } from '@harbour/contracts';
import {
  type AuditActor,
  AuditLog,
  isOrganisationKind,
  quoteIdentifier,
  schemaOf,
  systemActor,
  withinTransaction,
} from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type AgeGroup,
  type DirectoryOrganisation,
  type DutyHours,
  isAgeGroup,
} from '../domain/audience';
import { queryRows } from '@harbour/platform';

export interface NewDirectoryOrganisation {
  /** The organisation's id in the identity store. */
  id: string;
  name: string;
  kind: OrganisationKind;
  boroughs: string[];
  specialisms?: string[];
  languages?: string[];
  /** `child`, `adult`; empty: serves all ages. */
  ageGroups?: AgeGroup[];
  dutyHours?: DutyHours | null;
}

export interface DirectoryEntry extends DirectoryOrganisation {
  createdAt: Date;
}

/** How an organisation is reached: an e-mail address, or a webhook URL with its signing secret. */
export type ContactChannel = 'email' | 'webhook';

export interface Contact {
  id: string;
  organisationId: string;
  channel: ContactChannel;
  /** The e-mail address, or the webhook URL. */
  address: string;
  label: string;
  /** Reached out of the organisation's duty hours, and by escalations. */
  outOfHours: boolean;
  createdAt: Date;
}

export interface NewContact {
  organisationId: string;
  channel: ContactChannel;
  address: string;
  label?: string;
  /** The webhook signing secret (`whsec_…`); required for webhooks, never for e-mail. */
  secret?: string;
  outOfHours?: boolean;
}

/**
 * Encrypts a webhook signing secret for the contact row (`WebhookSecretStore.seal`): the
 * directory never stores a secret in clear.
 */
export interface WebhookSecretSealer {
  seal(secret: string): string;
}

/** Who changed the directory and why, for the audit log. */
export interface DirectoryChangeAudit {
  actor: AuditActor;
  /** e.g. `harbour org add`, `directory import`. */
  reason: string;
}

/** For callers that do not say (tests, harnesses): the service itself. */
const UNATTRIBUTED: DirectoryChangeAudit = {
  actor: systemActor('notification'),
  reason: 'directory call',
};

/** The outcome of an insert that is allowed to find the row already there (seeding, re-runs). */
export interface Upserted<T> {
  value: T;
  created: boolean;
}

interface OrganisationRow {
  id: string;
  name: string;
  kind: string;
  boroughs: string[];
  specialisms: string[];
  languages: string[];
  age_groups: string[];
  duty_hours: DutyHours | null;
  created_at: Date;
}

interface ContactRow {
  id: string;
  organisation_id: string;
  channel: string;
  address: string;
  label: string;
  out_of_hours: boolean;
  created_at: Date;
}

/** A contact's columns beside its organisation's, each prefixed; `<P>id` null (and every other too): no contact. */
type ContactColumnsOf<P extends string> = Omit<
  { [K in keyof ContactRow as `${P}${K}`]: ContactRow[K] },
  `${P}id`
> &
  Record<`${P}id`, string | null>;

const ORGANISATION_COLUMNS =
  'id, name, kind, boroughs, specialisms, languages, age_groups, duty_hours, created_at';
// The webhook secret is never selected with a contact: only the channel that signs reads it.
const CONTACT_COLUMNS = 'id, organisation_id, channel, address, label, out_of_hours, created_at';

/**
 * The partner directory: which organisations exist, what they serve and how to reach them.
 * Organisations share their id with the identity store, which owns their API keys.
 */
export class DirectoryRepository {
  private readonly organisations: string;
  private readonly contacts: string;
  /** Every organisation and contact added, each in the transaction that adds it. */
  readonly audit: AuditLog;

  /**
   * `webhookSecrets` is needed only to add webhook contacts: without it (a CLI run without
   * `DATA_ENCRYPTION_KEY`, tests of e-mail alone) adding one is refused, never stored in clear.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly webhookSecrets?: WebhookSecretSealer,
  ) {
    const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.organisations = `${schema}.organisation`;
    this.contacts = `${schema}.contact`;
    this.audit = new AuditLog(dataSource);
  }

  /**
   * Adds the organisation, or finds it unchanged when one with its id is already there. An
   * organisation added is audited (ids, kind and boroughs) in the same transaction.
   */
  async addOrganisation(
    input: NewDirectoryOrganisation,
    manager: EntityManager = this.dataSource.manager,
    audit: DirectoryChangeAudit = UNATTRIBUTED,
  ): Promise<Upserted<DirectoryEntry>> {
    return withinTransaction(manager, (transaction) =>
      this.insertOrganisation(input, transaction, audit),
    );
  }

  private async insertOrganisation(
    input: NewDirectoryOrganisation,
    manager: EntityManager,
    audit: DirectoryChangeAudit,
  ): Promise<Upserted<DirectoryEntry>> {
    const inserted = await queryRows<OrganisationRow>(
      manager,
      `INSERT INTO ${this.organisations}
         (id, name, kind, boroughs, specialisms, languages, age_groups, duty_hours)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO NOTHING
       RETURNING ${ORGANISATION_COLUMNS}`,
      [
        input.id,
        input.name,
        input.kind,
        input.boroughs,
        input.specialisms ?? [],
        input.languages ?? [],
        input.ageGroups ?? [],
        input.dutyHours ? JSON.stringify(input.dutyHours) : null,
      ],
    );
    const row = inserted[0];
    if (row !== undefined) {
      const added = toOrganisation(row);
      await this.audit.append(manager, {
        ...audit,
        action: 'directory.organisation.added',
        resource: { kind: 'organisation', id: added.id },
        details: { organisationKind: added.kind, boroughs: added.boroughs },
      });
      return { value: added, created: true };
    }
    const existing = await this.findOrganisation(input.id, manager);
    if (existing === null) throw new Error(`organisation ${input.id} vanished while being added`);
    return { value: existing, created: false };
  }

  async findOrganisation(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<DirectoryEntry | null> {
    const rows = await queryRows<OrganisationRow>(
      manager,
      `SELECT ${ORGANISATION_COLUMNS} FROM ${this.organisations} WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    return row === undefined ? null : toOrganisation(row);
  }

  /** Every organisation, by kind then name. */
  async listOrganisations(
    manager: EntityManager = this.dataSource.manager,
  ): Promise<DirectoryEntry[]> {
    const rows = await queryRows<OrganisationRow>(
      manager,
      `SELECT ${ORGANISATION_COLUMNS} FROM ${this.organisations} ORDER BY kind, name, id`,
    );
    return rows.map(toOrganisation);
  }

  /** Candidates for an audience: every organisation of one of these kinds. */
  async organisationsOfKinds(
    kinds: readonly OrganisationKind[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<DirectoryEntry[]> {
    const rows = await queryRows<OrganisationRow>(
      manager,
      `SELECT ${ORGANISATION_COLUMNS} FROM ${this.organisations}
        WHERE kind = ANY($1::text[]) ORDER BY name, id`,
      [[...kinds]],
    );
    return rows.map(toOrganisation);
  }

  /**
   * The organisations of these kinds and those with these ids, by name, each with its contacts
   * (oldest first), read in one statement: what `organisationsOfKinds`, `findOrganisation` and
   * `contactsOf` give together, for the transaction routing an alert.
   */
  async organisationsWithContacts(
    kinds: readonly OrganisationKind[],
    ids: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ organisation: DirectoryEntry; contacts: Contact[] }[]> {
    const rows = await queryRows<OrganisationRow & ContactColumnsOf<'contact_'>>(
      manager,
      `SELECT o.id, o.name, o.kind, o.boroughs, o.specialisms, o.languages, o.age_groups,
              o.duty_hours, o.created_at,
              c.id AS contact_id, c.organisation_id AS contact_organisation_id,
              c.channel AS contact_channel, c.address AS contact_address,
              c.label AS contact_label, c.out_of_hours AS contact_out_of_hours,
              c.created_at AS contact_created_at
         FROM ${this.organisations} o
         LEFT JOIN ${this.contacts} c ON c.organisation_id = o.id
        WHERE o.kind = ANY($1::text[]) OR o.id = ANY($2::uuid[])
        ORDER BY o.name, o.id, c.created_at, c.id`,
      [[...kinds], [...ids]],
    );
    const found: { organisation: DirectoryEntry; contacts: Contact[] }[] = [];
    for (const row of rows) {
      let last = found[found.length - 1];
      if (last?.organisation.id !== row.id) {
        last = { organisation: toOrganisation(row), contacts: [] };
        found.push(last);
      }
      if (row.contact_id !== null) {
        last.contacts.push(
          toContact({
            id: row.contact_id,
            organisation_id: row.contact_organisation_id,
            channel: row.contact_channel,
            address: row.contact_address,
            label: row.contact_label,
            out_of_hours: row.contact_out_of_hours,
            created_at: row.contact_created_at,
          }),
        );
      }
    }
    return found;
  }

  /**
   * Adds a contact, or finds the same (organisation, channel, address) already there. A contact
   * added is audited by id and channel (never its address or secret) in the same transaction.
   */
  async addContact(
    input: NewContact,
    manager: EntityManager = this.dataSource.manager,
    audit: DirectoryChangeAudit = UNATTRIBUTED,
  ): Promise<Upserted<Contact>> {
    return withinTransaction(manager, (transaction) =>
      this.insertContact(input, transaction, audit),
    );
  }

  private async insertContact(
    input: NewContact,
    manager: EntityManager,
    audit: DirectoryChangeAudit,
  ): Promise<Upserted<Contact>> {
    const address = input.address.trim();
    const sealedSecret = input.channel === 'webhook' ? this.sealWebhookSecret(input) : null;
    const inserted = await queryRows<ContactRow>(
      manager,
      `INSERT INTO ${this.contacts} (id, organisation_id, channel, address, label, secret_encrypted, out_of_hours)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (organisation_id, channel, address) DO NOTHING
       RETURNING ${CONTACT_COLUMNS}`,
      [
        randomUUID(),
        input.organisationId,
        input.channel,
        address,
        input.label ?? '',
        sealedSecret,
        input.outOfHours ?? false,
      ],
    );
    const row = inserted[0];
    if (row !== undefined) {
      const added = toContact(row);
      await this.audit.append(manager, {
        ...audit,
        // A webhook sends alerts to a partner's system: its own action, so it can be reviewed.
        action: added.channel === 'webhook' ? 'directory.webhook.added' : 'directory.contact.added',
        resource: { kind: 'contact', id: added.id },
        details: {
          organisationId: added.organisationId,
          channel: added.channel,
          outOfHours: added.outOfHours,
        },
      });
      return { value: added, created: true };
    }
    const existing = await queryRows<ContactRow>(
      manager,
      `SELECT ${CONTACT_COLUMNS} FROM ${this.contacts}
        WHERE organisation_id = $1 AND channel = $2 AND address = $3`,
      [input.organisationId, input.channel, address],
    );
    const found = existing[0];
    if (found === undefined) throw new Error('contact vanished while being added');
    return { value: toContact(found), created: false };
  }

  private sealWebhookSecret(input: NewContact): string {
    if (input.secret === undefined) throw new Error('a webhook contact needs its signing secret');
    if (this.webhookSecrets === undefined) {
      throw new WebhookSecretsUnavailableError();
    }
    return this.webhookSecrets.seal(input.secret);
  }

  /**
   * Records that a directory import ran and what it changed (counts; each organisation and
   * contact it added has its own entry already).
   */
  async auditImport(
    counts: {
      organisations: { created: number; unchanged: number };
      contacts: { created: number; unchanged: number };
    },
    audit: DirectoryChangeAudit,
  ): Promise<void> {
    await withinTransaction(this.dataSource.manager, (manager) =>
      this.audit.append(manager, {
        ...audit,
        action: 'directory.import',
        resource: { kind: 'directory', id: 'partner-directory' },
        details: {
          organisationsCreated: counts.organisations.created,
          organisationsUnchanged: counts.organisations.unchanged,
          contactsCreated: counts.contacts.created,
          contactsUnchanged: counts.contacts.unchanged,
        },
      }),
    );
  }

  /** The contacts of these organisations, oldest first. */
  async contactsOf(
    organisationIds: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Contact[]> {
    if (organisationIds.length === 0) return [];
    const rows = await queryRows<ContactRow>(
      manager,
      `SELECT ${CONTACT_COLUMNS} FROM ${this.contacts}
        WHERE organisation_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [[...organisationIds]],
    );
    return rows.map(toContact);
  }
}

/** A webhook contact was to be added by a directory opened without the data key. */
export class WebhookSecretsUnavailableError extends Error {
  constructor() {
    super('webhook secrets are stored encrypted: set DATA_ENCRYPTION_KEY (notification’s key)');
    this.name = 'WebhookSecretsUnavailableError';
  }
}

function toOrganisation(row: OrganisationRow): DirectoryEntry {
  if (!isOrganisationKind(row.kind)) throw new Error(`organisation ${row.id} has unknown kind`);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    boroughs: row.boroughs,
    specialisms: row.specialisms,
    languages: row.languages,
    ageGroups: row.age_groups.filter(isAgeGroup),
    dutyHours: row.duty_hours,
    createdAt: row.created_at,
  };
}

function toContact(row: ContactRow): Contact {
  if (row.channel !== 'email' && row.channel !== 'webhook') {
    throw new Error(`contact ${row.id} has unknown channel`);
  }
  return {
    id: row.id,
    organisationId: row.organisation_id,
    channel: row.channel,
    address: row.address,
    label: row.label,
    outOfHours: row.out_of_hours,
    createdAt: row.created_at,
  };
}
