import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { type AuditActor, systemActor } from '../audit/audit-entry';
import { AuditLog } from '../audit/audit-log';
import type { FieldCipher } from '../crypto/field-cipher';
import { queryRows } from '../database/query-rows';
import { schemaOf } from '../database/schema-of';
import { quoteIdentifier } from '../database/sql-identifier';
import { isOrganisationKind, isRole, type OrganisationKind, type Role } from './organisation-kind';
import {
  generateSessionToken,
  generateSignInToken,
  isEmailAddress,
  isSessionToken,
  isSignInToken,
  normaliseEmail,
  tokenHash,
} from './person-tokens';

/** How long an e-mailed sign-in link works: long enough to open the mail, short if it leaks. */
export const SIGN_IN_LINK_MINUTES = 15;
/** At most this many links per person per link lifetime: a mailbox is not flooded on request. */
export const SIGN_IN_LINKS_PER_WINDOW = 5;

export interface SessionLifetime {
  /** A session unused this long ends (each use moves it on). */
  idleMinutes: number;
  /** A session ends this long after sign-in, however much it is used. */
  absoluteMinutes: number;
}

export const DEFAULT_SESSION_LIFETIME: SessionLifetime = { idleMinutes: 30, absoluteMinutes: 720 };

export interface Person {
  id: string;
  organisationId: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  /** Lower-cased. Personal data: show it to an administrator, never log it. */
  email: string;
  roles: Role[];
  createdAt: Date;
  disabledAt: Date | null;
}

export interface NewPerson {
  organisationId: string;
  email: string;
  roles: Role[];
}

export interface PeopleChangeAudit {
  actor: AuditActor;
  reason: string;
}

const UNATTRIBUTED: PeopleChangeAudit = {
  actor: systemActor('identity-store'),
  reason: 'identity store call',
};

/** Why a sign-in link was not made; the console answers the same whatever it is. */
export type SignInLinkOutcome =
  | { kind: 'created'; token: string; personId: string; expiresAt: Date }
  | { kind: 'unknown' }
  | { kind: 'too-many' };

export interface StartedSession {
  /** The session token: goes into the cookie, never stored. */
  token: string;
  sessionId: string;
  personId: string;
  organisationId: string;
  expiresAt: Date;
}

interface PersonRow {
  id: string;
  organisation_id: string;
  organisation_name: string;
  organisation_kind: string;
  email_encrypted: string;
  roles: string[];
  created_at: Date;
  disabled_at: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL_INDEX_PURPOSE = 'person.email';
/** The authenticated-data context of `person.email_encrypted` (re-encryption needs it). */
export const PERSON_EMAIL_CONTEXT = 'person.email';
const EMAIL_CONTEXT = PERSON_EMAIL_CONTEXT;
const MINUTE_MS = 60_000;

/**
 * People who sign in to the console (ADR-32), in the identity store beside organisations and
 * keys: their single-use sign-in links and their sessions. A person is a principal of one
 * organisation, with their own roles; `IdentityStore.authenticate` accepts their session token
 * wherever an API key is accepted. E-mail addresses are encrypted and found by blind index
 * under the identity data key; links and sessions are stored only as hashes. Every person
 * added or removed, sign-in and sign-out is on the identity store's audit chain.
 */
export class PeopleStore {
  private readonly people: string;
  private readonly links: string;
  private readonly sessions: string;
  private readonly organisations: string;
  readonly audit: AuditLog;
  private readonly now: () => Date;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: FieldCipher,
    options: { now?: () => Date } = {},
  ) {
    const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.people = `${schema}.person`;
    this.links = `${schema}.sign_in_link`;
    this.sessions = `${schema}.person_session`;
    this.organisations = `${schema}.organisation`;
    this.audit = new AuditLog(dataSource);
    this.now = options.now ?? (() => new Date());
  }

  private emailIndex(email: string): string {
    return this.cipher.blindIndex(normaliseEmail(email), EMAIL_INDEX_PURPOSE);
  }

  /**
   * Adds a person to an organisation. Throws for a malformed address, unknown role or
   * organisation, or an address already held by someone (active or removed: an address names
   * one person for ever, so the audit trail stays unambiguous).
   */
  async addPerson(input: NewPerson, audit: PeopleChangeAudit = UNATTRIBUTED): Promise<Person> {
    const email = normaliseEmail(input.email);
    if (!isEmailAddress(email)) throw new Error('that is not an e-mail address');
    if (input.roles.length === 0) throw new Error('a person needs at least one role');
    const badRole = (input.roles as readonly string[]).find((role) => !isRole(role));
    if (badRole !== undefined) throw new Error(`unknown role "${badRole}"`);
    if (!UUID.test(input.organisationId)) throw new Error('unknown organisation');
    const roles = [...new Set(input.roles)];
    const id = randomUUID();
    return this.dataSource.transaction(async (manager) => {
      const organisation = await queryRows<{ id: string }>(
        manager,
        `SELECT id FROM ${this.organisations} WHERE id = $1`,
        [input.organisationId],
      );
      if (organisation.length === 0) throw new Error('unknown organisation');
      const inserted = await queryRows<{ id: string }>(
        manager,
        `INSERT INTO ${this.people} (id, organisation_id, email_index, email_encrypted, roles)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (email_index) DO NOTHING
         RETURNING id`,
        [
          id,
          input.organisationId,
          this.emailIndex(email),
          this.cipher.encrypt(email, EMAIL_CONTEXT),
          roles,
        ],
      );
      if (inserted.length === 0) throw new Error('someone with that e-mail address exists already');
      await this.audit.append(manager, {
        ...audit,
        action: 'person.added',
        resource: { kind: 'person', id },
        details: { organisationId: input.organisationId, roles },
      });
      const person = await this.select(manager, 'p.id = $1', [id]);
      if (person[0] === undefined) throw new Error('expected the person just added');
      return person[0];
    });
  }

  /** People of one organisation, or everyone, oldest first (removed people included). */
  async listPeople(organisationId?: string): Promise<Person[]> {
    if (organisationId !== undefined && !UUID.test(organisationId)) return [];
    return organisationId === undefined
      ? this.select(this.dataSource.manager, 'true', [])
      : this.select(this.dataSource.manager, 'p.organisation_id = $1', [organisationId]);
  }

  async findByEmail(email: string): Promise<Person | null> {
    const rows = await this.select(this.dataSource.manager, 'p.email_index = $1', [
      this.emailIndex(email),
    ]);
    return rows[0] ?? null;
  }

  /**
   * Removes a person: they can no longer sign in, every session of theirs ends at once. The row
   * stays (the audit chain names it). False when unknown or already removed.
   */
  async removePerson(personId: string, audit: PeopleChangeAudit = UNATTRIBUTED): Promise<boolean> {
    if (!UUID.test(personId)) return false;
    return this.dataSource.transaction(async (manager) => {
      const rows = await queryRows<{ organisation_id: string }>(
        manager,
        `UPDATE ${this.people} SET disabled_at = $2
          WHERE id = $1 AND disabled_at IS NULL RETURNING organisation_id`,
        [personId, this.now()],
      );
      const removed = rows[0];
      if (removed === undefined) return false;
      const ended = await this.revokeSessionsOf(manager, personId);
      await this.audit.append(manager, {
        ...audit,
        action: 'person.removed',
        resource: { kind: 'person', id: personId },
        details: { organisationId: removed.organisation_id, sessionsEnded: ended },
      });
      return true;
    });
  }

  /**
   * A single-use sign-in link's token for the person with this address, valid for
   * `SIGN_IN_LINK_MINUTES`; `unknown` for an address no active person holds, `too-many` when
   * `SIGN_IN_LINKS_PER_WINDOW` links were made for them within that time. The caller must
   * answer the same in every case, so nobody learns who has an account.
   */
  async createSignInLink(email: string): Promise<SignInLinkOutcome> {
    const normalised = normaliseEmail(email);
    if (!isEmailAddress(normalised)) return { kind: 'unknown' };
    const now = this.now();
    return this.dataSource.transaction(async (manager) => {
      // Locked, so concurrent requests for one person count each other.
      const people = await queryRows<{ id: string }>(
        manager,
        `SELECT id FROM ${this.people} WHERE email_index = $1 AND disabled_at IS NULL FOR UPDATE`,
        [this.emailIndex(normalised)],
      );
      const person = people[0];
      if (person === undefined) return { kind: 'unknown' };
      const recent = await queryRows<{ n: number }>(
        manager,
        `SELECT count(*)::int AS n FROM ${this.links} WHERE person_id = $1 AND created_at > $2`,
        [person.id, new Date(now.getTime() - SIGN_IN_LINK_MINUTES * MINUTE_MS)],
      );
      if ((recent[0]?.n ?? 0) >= SIGN_IN_LINKS_PER_WINDOW) return { kind: 'too-many' };
      const generated = generateSignInToken();
      const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_MINUTES * MINUTE_MS);
      await queryRows(
        manager,
        `INSERT INTO ${this.links} (id, token_hash, person_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [randomUUID(), generated.hash, person.id, now, expiresAt],
      );
      return { kind: 'created', token: generated.token, personId: person.id, expiresAt };
    });
  }

  /**
   * Spends a sign-in link's token and starts a session, in one transaction: null when the token
   * is malformed, unknown, used, expired, or its person was removed (callers cannot tell which).
   */
  async signIn(
    linkToken: string,
    lifetime: SessionLifetime = DEFAULT_SESSION_LIFETIME,
  ): Promise<StartedSession | null> {
    if (!isSignInToken(linkToken)) return null;
    const now = this.now();
    return this.dataSource.transaction(async (manager) => {
      const spent = await queryRows<{
        person_id: string;
        organisation_id: string;
        organisation_kind: string;
      }>(
        manager,
        `UPDATE ${this.links} l SET used_at = $2
           FROM ${this.people} p JOIN ${this.organisations} o ON o.id = p.organisation_id
          WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2
            AND p.id = l.person_id AND p.disabled_at IS NULL
          RETURNING l.person_id, p.organisation_id, o.kind AS organisation_kind`,
        [tokenHash(linkToken), now],
      );
      const link = spent[0];
      if (link === undefined || !isOrganisationKind(link.organisation_kind)) return null;
      return this.startSession(manager, link, lifetime, now, 'e-mailed sign-in link', {});
    });
  }

  /**
   * Starts a session for the active person holding this address, whom an identity provider has
   * just vouched for (the caller has verified the provider's ID token and that it says the
   * address is verified): the same session and audit entry as a spent link, with `how` as the
   * entry's reason and `details` beside the session's. Null when no active person holds the
   * address; nobody is ever added here (people are added by `harbour person add`).
   */
  async signInVerifiedEmail(
    email: string,
    how: { reason: string; details?: Record<string, string> },
    lifetime: SessionLifetime = DEFAULT_SESSION_LIFETIME,
  ): Promise<StartedSession | null> {
    const normalised = normaliseEmail(email);
    if (!isEmailAddress(normalised)) return null;
    const now = this.now();
    return this.dataSource.transaction(async (manager) => {
      const found = await queryRows<{
        person_id: string;
        organisation_id: string;
        organisation_kind: string;
      }>(
        manager,
        `SELECT p.id AS person_id, p.organisation_id, o.kind AS organisation_kind
           FROM ${this.people} p JOIN ${this.organisations} o ON o.id = p.organisation_id
          WHERE p.email_index = $1 AND p.disabled_at IS NULL
          FOR SHARE OF p`,
        [this.emailIndex(normalised)],
      );
      const person = found[0];
      if (person === undefined || !isOrganisationKind(person.organisation_kind)) return null;
      return this.startSession(manager, person, lifetime, now, how.reason, how.details ?? {});
    });
  }

  private async startSession(
    manager: EntityManager,
    person: { person_id: string; organisation_id: string; organisation_kind: string },
    lifetime: SessionLifetime,
    now: Date,
    reason: string,
    details: Record<string, string>,
  ): Promise<StartedSession> {
    const session = generateSessionToken();
    const sessionId = randomUUID();
    const expiresAt = new Date(now.getTime() + lifetime.absoluteMinutes * MINUTE_MS);
    const idleExpiresAt = new Date(
      Math.min(expiresAt.getTime(), now.getTime() + lifetime.idleMinutes * MINUTE_MS),
    );
    await queryRows(
      manager,
      `INSERT INTO ${this.sessions}
         (id, token_hash, person_id, created_at, idle_minutes, idle_expires_at, expires_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $4)`,
      [
        sessionId,
        session.hash,
        person.person_id,
        now,
        lifetime.idleMinutes,
        idleExpiresAt,
        expiresAt,
      ],
    );
    await this.audit.append(manager, {
      actor: {
        type: 'person',
        organisationId: person.organisation_id,
        organisationKind: person.organisation_kind,
        personId: person.person_id,
        sessionId,
      },
      action: 'person.signed_in',
      resource: { kind: 'person', id: person.person_id },
      reason,
      details: { ...details, sessionId, expiresAt: expiresAt.toISOString() },
    });
    return {
      token: session.token,
      sessionId,
      personId: person.person_id,
      organisationId: person.organisation_id,
      expiresAt,
    };
  }

  /**
   * Ends the session behind `token`, or with `everywhere` every session of its person. Returns
   * how many sessions ended (0 for an unknown or already ended token).
   */
  async signOut(token: string, options: { everywhere?: boolean } = {}): Promise<number> {
    if (!isSessionToken(token)) return 0;
    return this.dataSource.transaction(async (manager) => {
      const rows = await queryRows<{
        id: string;
        person_id: string;
        organisation_id: string;
        organisation_kind: string;
      }>(
        manager,
        `SELECT s.id, s.person_id, p.organisation_id, o.kind AS organisation_kind
           FROM ${this.sessions} s
           JOIN ${this.people} p ON p.id = s.person_id
           JOIN ${this.organisations} o ON o.id = p.organisation_id
          WHERE s.token_hash = $1 AND s.revoked_at IS NULL
          FOR UPDATE OF s`,
        [tokenHash(token)],
      );
      const session = rows[0];
      if (session === undefined) return 0;
      const ended =
        options.everywhere === true
          ? await this.revokeSessionsOf(manager, session.person_id)
          : (
              await queryRows<{ id: string }>(
                manager,
                `UPDATE ${this.sessions} SET revoked_at = $2
                  WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
                [session.id, this.now()],
              )
            ).length;
      await this.audit.append(manager, {
        actor: {
          type: 'person',
          organisationId: session.organisation_id,
          organisationKind: session.organisation_kind,
          personId: session.person_id,
          sessionId: session.id,
        },
        action: 'person.signed_out',
        resource: { kind: 'person', id: session.person_id },
        reason: options.everywhere === true ? 'sign out everywhere' : 'sign out',
        details: { sessionId: session.id, everywhere: options.everywhere === true, ended },
      });
      return ended;
    });
  }

  private async revokeSessionsOf(manager: EntityManager, personId: string): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE ${this.sessions} SET revoked_at = $2
        WHERE person_id = $1 AND revoked_at IS NULL RETURNING id`,
      [personId, this.now()],
    );
    return rows.length;
  }

  private async select(
    manager: EntityManager,
    where: string,
    parameters: unknown[],
  ): Promise<Person[]> {
    const rows = await queryRows<PersonRow>(
      manager,
      `SELECT p.id, p.organisation_id, o.name AS organisation_name, o.kind AS organisation_kind,
              p.email_encrypted, p.roles, p.created_at, p.disabled_at
         FROM ${this.people} p JOIN ${this.organisations} o ON o.id = p.organisation_id
        WHERE ${where}
        ORDER BY p.created_at, p.id`,
      parameters,
    );
    return rows.map((row) => {
      if (!isOrganisationKind(row.organisation_kind)) {
        throw new Error(`organisation ${row.organisation_id} has unknown kind`);
      }
      return {
        id: row.id,
        organisationId: row.organisation_id,
        organisationName: row.organisation_name,
        organisationKind: row.organisation_kind,
        email: this.cipher.decrypt(row.email_encrypted, EMAIL_CONTEXT),
        roles: row.roles.filter(isRole),
        createdAt: row.created_at,
        disabledAt: row.disabled_at,
      };
    });
  }
}
