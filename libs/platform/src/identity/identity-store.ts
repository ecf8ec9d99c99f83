import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { type AuditActor, systemActor } from '../audit/audit-entry';
import { AuditLog } from '../audit/audit-log';
import { queryRows } from '../database/query-rows';
import { schemaOf } from '../database/schema-of';
import { quoteIdentifier } from '../database/sql-identifier';
import { generateApiKey, parseApiKey, secretMatches } from './api-key-format';
import { isSessionToken, tokenHash } from './person-tokens';
import {
  isBoroughCode,
  isOrganisationKind,
  isRole,
  type OrganisationKind,
  type Role,
} from './organisation-kind';
import type { Principal } from './principal';

export interface Organisation {
  id: string;
  name: string;
  kind: OrganisationKind;
  boroughs: string[];
  createdAt: Date;
}

export interface NewOrganisation {
  id?: string;
  name: string;
  kind: OrganisationKind;
  boroughs: string[];
}

/**
 * Who asked for a change and why, for the identity store's audit chain. Without it the entry
 * names the identity store itself (tests, harnesses): every real caller says who it is.
 */
export interface IdentityChangeAudit {
  actor: AuditActor;
  /** e.g. `harbour key issue`, `directory import`. */
  reason: string;
}

const UNATTRIBUTED: IdentityChangeAudit = {
  actor: systemActor('identity-store'),
  reason: 'identity store call',
};

export interface NewApiKey {
  organisationId: string;
  roles: Role[];
  /** What the key is for, e.g. "Camden MASH case system". */
  label: string;
  expiresAt?: Date;
}

export interface IssuedApiKey {
  /** The whole key. Returned once, never stored: hand it to its holder now. */
  key: string;
  keyId: string;
  prefix: string;
}

/** How long a rotated key keeps working beside its replacement, unless the caller says. */
export const DEFAULT_ROTATION_OVERLAP_HOURS = 24;
/**
 * The longest overlap allowed: a rotation is meant to retire a key soon (a suspected leak, a
 * staff change), and a week is enough to redeploy any partner's system.
 */
export const MAX_ROTATION_OVERLAP_HOURS = 168;

export interface RotateApiKeyOptions {
  /** Hours the old key keeps working; 0 to 168, default 24. Never extends the old key's expiry. */
  overlapHours?: number;
}

/** A rotation's outcome: the new key (shown once) and until when the old one still works. */
export interface RotatedApiKey extends IssuedApiKey {
  /** The key that was rotated. */
  replacedKeyId: string;
  /** When the old key stops working (the end of the overlap, or its own earlier expiry). */
  replacedKeyExpiresAt: Date;
  /** The new key's expiry: as long a lifetime as the old key was issued with, or none. */
  expiresAt: Date | null;
}

export interface IdentityStoreOptions {
  /** The clock keys' expiry is judged by (tests move it); default the system clock. */
  now?: () => Date;
}

/** A key as listed to administrators: everything but the secret. */
export interface ApiKeySummary {
  id: string;
  prefix: string;
  organisationId: string;
  roles: Role[];
  label: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

interface OrganisationRow {
  id: string;
  name: string;
  kind: string;
  boroughs: string[];
  created_at: Date;
}

interface RotatedKeyRow {
  organisation_id: string;
  roles: string[];
  label: string;
  created_at: Date;
  expires_at: Date | null;
}

interface ApiKeyRow {
  id: string;
  prefix: string;
  organisation_id: string;
  roles: string[];
  label: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

interface CredentialRow {
  key_id: string;
  secret_hash: string;
  roles: string[];
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  organisation_id: string;
  organisation_name: string;
  organisation_kind: string;
  boroughs: string[];
}

interface SessionRow {
  session_id: string;
  person_id: string;
  idle_minutes: number;
  last_seen_at: Date;
  roles: string[];
  organisation_id: string;
  organisation_name: string;
  organisation_kind: string;
  boroughs: string[];
}

const HOUR_MS = 60 * 60 * 1000;

/** Recording every single use would turn each authenticated read into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const API_KEY_COLUMNS =
  'id, prefix, organisation_id, roles, label, created_at, expires_at, revoked_at, last_used_at';

/**
 * Organisations and their API keys, in the identity schema every service shares (each service
 * must accept the same keys). Keys are stored as a prefix (for lookup) and a SHA-256 of the secret.
 */
export class IdentityStore {
  private readonly organisationTable: string;
  private readonly apiKeyTable: string;
  private readonly personTable: string;
  private readonly sessionTable: string;
  /** Keys issued and revoked, organisations added: each in the transaction of its change. */
  readonly audit: AuditLog;
  private readonly now: () => Date;

  constructor(
    private readonly dataSource: DataSource,
    options: IdentityStoreOptions = {},
  ) {
    const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.organisationTable = `${schema}.organisation`;
    this.apiKeyTable = `${schema}.api_key`;
    this.personTable = `${schema}.person`;
    this.sessionTable = `${schema}.person_session`;
    this.audit = new AuditLog(dataSource);
    this.now = options.now ?? (() => new Date());
  }

  async createOrganisation(
    input: NewOrganisation,
    audit: IdentityChangeAudit = UNATTRIBUTED,
  ): Promise<Organisation> {
    // Checked at run time too: keys are also issued from scripts and CLIs with untyped input.
    const kind: string = input.kind;
    if (!isOrganisationKind(kind)) throw new Error(`unknown organisation kind "${kind}"`);
    const badBorough = input.boroughs.find((borough) => !isBoroughCode(borough));
    if (badBorough !== undefined) {
      throw new Error(`"${badBorough}" is neither a London GSS code (E09…) nor "pan_london"`);
    }
    return this.dataSource.transaction(async (manager) => {
      const rows = await queryRows<OrganisationRow>(
        manager,
        `INSERT INTO ${this.organisationTable} (id, name, kind, boroughs)
         VALUES ($1, $2, $3, $4)
         RETURNING id, name, kind, boroughs, created_at`,
        [input.id ?? randomUUID(), input.name, input.kind, input.boroughs],
      );
      const organisation = toOrganisation(single(rows));
      await this.audit.append(manager, {
        ...audit,
        action: 'identity.organisation.added',
        resource: { kind: 'organisation', id: organisation.id },
        details: { organisationKind: organisation.kind, boroughs: organisation.boroughs },
      });
      return organisation;
    });
  }

  async findOrganisation(id: string): Promise<Organisation | null> {
    if (!UUID.test(id)) return null;
    const rows = await this.query<OrganisationRow>(
      `SELECT id, name, kind, boroughs, created_at FROM ${this.organisationTable} WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    return row === undefined ? null : toOrganisation(row);
  }

  async issueApiKey(
    input: NewApiKey,
    audit: IdentityChangeAudit = UNATTRIBUTED,
  ): Promise<IssuedApiKey> {
    if (input.roles.length === 0) throw new Error('an API key needs at least one role');
    const badRole = (input.roles as readonly string[]).find((role) => !isRole(role));
    if (badRole !== undefined) throw new Error(`unknown role "${badRole}"`);
    return this.dataSource.transaction((manager) => this.insertApiKey(manager, input, audit, {}));
  }

  /**
   * Replaces a key without an outage: a new key for the same organisation, roles and label
   * (shown once), while the old one keeps working for the overlap and then expires, so its
   * holder can deploy the new key at leisure. Both steps are audited (`key.issued` for the new
   * key, `key.rotated` for the old) in one transaction. Null when the key is unknown, revoked
   * or already expired: there is nothing to hand over from. Revoke instead to stop a key at once.
   */
  async rotateApiKey(
    keyId: string,
    options: RotateApiKeyOptions = {},
    audit: IdentityChangeAudit = UNATTRIBUTED,
  ): Promise<RotatedApiKey | null> {
    const overlapHours = options.overlapHours ?? DEFAULT_ROTATION_OVERLAP_HOURS;
    if (
      !Number.isFinite(overlapHours) ||
      overlapHours < 0 ||
      overlapHours > MAX_ROTATION_OVERLAP_HOURS
    ) {
      throw new RangeError(`the overlap must be between 0 and ${MAX_ROTATION_OVERLAP_HOURS} hours`);
    }
    if (!UUID.test(keyId)) return null;
    const now = this.now();
    return this.dataSource.transaction(async (manager) => {
      // Locked, so two rotations of one key cannot both hand it over.
      const rows = await queryRows<RotatedKeyRow>(
        manager,
        `SELECT organisation_id, roles, label, created_at, expires_at FROM ${this.apiKeyTable}
          WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)
          FOR UPDATE`,
        [keyId, now],
      );
      const old = rows[0];
      if (old === undefined) return null;
      const roles = old.roles.filter(isRole);
      // The replacement lives as long as the old key was issued for: a policy of 90-day keys
      // stays a policy of 90-day keys.
      const expiresAt =
        old.expires_at === null
          ? null
          : new Date(now.getTime() + (old.expires_at.getTime() - old.created_at.getTime()));
      const issued = await this.insertApiKey(
        manager,
        {
          organisationId: old.organisation_id,
          roles,
          label: old.label,
          ...(expiresAt === null ? {} : { expiresAt }),
        },
        audit,
        { rotatedFrom: keyId },
      );
      // The overlap never lengthens the old key's life.
      const overlapEnd = new Date(now.getTime() + overlapHours * HOUR_MS);
      const replacedKeyExpiresAt =
        old.expires_at !== null && old.expires_at < overlapEnd ? old.expires_at : overlapEnd;
      await queryRows(manager, `UPDATE ${this.apiKeyTable} SET expires_at = $2 WHERE id = $1`, [
        keyId,
        replacedKeyExpiresAt,
      ]);
      await this.audit.append(manager, {
        ...audit,
        action: 'key.rotated',
        resource: { kind: 'api_key', id: keyId },
        details: {
          organisationId: old.organisation_id,
          replacedBy: issued.keyId,
          overlapHours,
          expiresAt: replacedKeyExpiresAt.toISOString(),
        },
      });
      return { ...issued, replacedKeyId: keyId, replacedKeyExpiresAt, expiresAt };
    });
  }

  private async insertApiKey(
    manager: EntityManager,
    input: NewApiKey,
    audit: IdentityChangeAudit,
    extraDetails: Record<string, string>,
  ): Promise<IssuedApiKey> {
    const generated = generateApiKey();
    const keyId = randomUUID();
    const roles = [...new Set(input.roles)];
    await queryRows(
      manager,
      `INSERT INTO ${this.apiKeyTable}
         (id, prefix, secret_hash, organisation_id, roles, label, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        keyId,
        generated.prefix,
        generated.secretHash,
        input.organisationId,
        roles,
        input.label,
        input.expiresAt ?? null,
      ],
    );
    // The prefix is public (it is how a leaked key is traced); the secret and its hash are not.
    await this.audit.append(manager, {
      ...audit,
      action: 'key.issued',
      resource: { kind: 'api_key', id: keyId },
      details: {
        organisationId: input.organisationId,
        prefix: generated.prefix,
        roles,
        expiresAt: input.expiresAt?.toISOString() ?? null,
        ...extraDetails,
      },
    });
    return { key: generated.key, keyId, prefix: generated.prefix };
  }

  /**
   * The principal behind `key`, or null when the key is malformed, unknown, has the wrong
   * secret, is revoked or has expired — callers cannot, and must not, tell these apart.
   * A signed-in person's session token (`hbs_…`) is accepted too: the person acts for their
   * organisation with their own roles, and `keyId` names the session (ADR-32).
   */
  async authenticate(key: string): Promise<Principal | null> {
    if (isSessionToken(key)) return this.authenticateSession(key);
    const parts = parseApiKey(key);
    if (parts === null) return null;
    const rows = await this.query<CredentialRow>(
      `SELECT k.id AS key_id, k.secret_hash, k.roles, k.expires_at, k.revoked_at, k.last_used_at,
              o.id AS organisation_id, o.name AS organisation_name,
              o.kind AS organisation_kind, o.boroughs
         FROM ${this.apiKeyTable} k
         JOIN ${this.organisationTable} o ON o.id = k.organisation_id
        WHERE k.prefix = $1`,
      [parts.prefix],
    );
    const row = rows[0];
    if (row === undefined || !secretMatches(parts.secret, row.secret_hash)) return null;
    const now = this.now().getTime();
    if (row.revoked_at !== null) return null;
    if (row.expires_at !== null && row.expires_at.getTime() <= now) return null;
    if (!isOrganisationKind(row.organisation_kind)) return null;

    if (row.last_used_at === null || now - row.last_used_at.getTime() >= LAST_USED_RESOLUTION_MS) {
      await this.query(
        `UPDATE ${this.apiKeyTable} SET last_used_at = now()
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
        [row.key_id],
      );
    }
    return {
      organisationId: row.organisation_id,
      organisationName: row.organisation_name,
      organisationKind: row.organisation_kind,
      boroughs: row.boroughs,
      roles: row.roles.filter(isRole),
      keyId: row.key_id,
    };
  }

  /**
   * The person behind a live session: not revoked, within its absolute and idle expiry, the
   * person not disabled. Each use moves the idle expiry on (at most once a minute, never past
   * the absolute expiry), so a session in use stays alive and an abandoned one dies.
   */
  private async authenticateSession(token: string): Promise<Principal | null> {
    const rows = await this.query<SessionRow>(
      `SELECT s.id AS session_id, s.person_id, s.idle_minutes, s.last_seen_at, p.roles,
              o.id AS organisation_id, o.name AS organisation_name,
              o.kind AS organisation_kind, o.boroughs
         FROM ${this.sessionTable} s
         JOIN ${this.personTable} p ON p.id = s.person_id
         JOIN ${this.organisationTable} o ON o.id = p.organisation_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND p.disabled_at IS NULL
          AND s.expires_at > $2 AND s.idle_expires_at > $2`,
      [tokenHash(token), this.now()],
    );
    const row = rows[0];
    if (row === undefined || !isOrganisationKind(row.organisation_kind)) return null;
    const now = this.now();
    if (now.getTime() - row.last_seen_at.getTime() >= LAST_USED_RESOLUTION_MS) {
      await this.query(
        `UPDATE ${this.sessionTable}
            SET last_seen_at = $2,
                idle_expires_at = least(expires_at, $2::timestamptz + make_interval(mins => idle_minutes))
          WHERE id = $1`,
        [row.session_id, now],
      );
    }
    return {
      organisationId: row.organisation_id,
      organisationName: row.organisation_name,
      organisationKind: row.organisation_kind,
      boroughs: row.boroughs,
      roles: row.roles.filter(isRole),
      keyId: row.session_id,
      personId: row.person_id,
    };
  }

  /** Revokes a key at once. True if it was active; false if unknown or already revoked. */
  async revokeApiKey(keyId: string, audit: IdentityChangeAudit = UNATTRIBUTED): Promise<boolean> {
    if (!UUID.test(keyId)) return false;
    return this.dataSource.transaction(async (manager: EntityManager) => {
      const rows = await queryRows<{ id: string; organisation_id: string }>(
        manager,
        `UPDATE ${this.apiKeyTable} SET revoked_at = now()
          WHERE id = $1 AND revoked_at IS NULL
          RETURNING id, organisation_id`,
        [keyId],
      );
      const revoked = rows[0];
      if (revoked === undefined) return false;
      await this.audit.append(manager, {
        ...audit,
        action: 'key.revoked',
        resource: { kind: 'api_key', id: keyId },
        details: { organisationId: revoked.organisation_id },
      });
      return true;
    });
  }

  /** Every key of an organisation, newest first, without secrets. */
  async listApiKeys(organisationId: string): Promise<ApiKeySummary[]> {
    if (!UUID.test(organisationId)) return [];
    const rows = await this.query<ApiKeyRow>(
      `SELECT ${API_KEY_COLUMNS} FROM ${this.apiKeyTable}
        WHERE organisation_id = $1 ORDER BY created_at DESC, id`,
      [organisationId],
    );
    return rows.map(toApiKeySummary);
  }

  private async query<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    // The structured result gives RETURNING rows for UPDATE too (the plain form returns a pair).
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(sql, parameters, true);
      return result.records as T[];
    } finally {
      await runner.release();
    }
  }
}

function single<T>(rows: T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error('expected one row back from Postgres');
  return row;
}

function toOrganisation(row: OrganisationRow): Organisation {
  if (!isOrganisationKind(row.kind)) throw new Error(`organisation ${row.id} has unknown kind`);
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    boroughs: row.boroughs,
    createdAt: row.created_at,
  };
}

function toApiKeySummary(row: ApiKeyRow): ApiKeySummary {
  return {
    id: row.id,
    prefix: row.prefix,
    organisationId: row.organisation_id,
    roles: row.roles.filter(isRole),
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
