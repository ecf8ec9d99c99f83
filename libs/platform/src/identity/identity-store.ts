import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { schemaOf } from '../database/schema-of';
import { quoteIdentifier } from '../database/sql-identifier';
import { generateApiKey, parseApiKey, secretMatches } from './api-key-format';
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

  constructor(private readonly dataSource: DataSource) {
    const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.organisationTable = `${schema}.organisation`;
    this.apiKeyTable = `${schema}.api_key`;
  }

  async createOrganisation(input: NewOrganisation): Promise<Organisation> {
    // Checked at run time too: keys are also issued from scripts and CLIs with untyped input.
    const kind: string = input.kind;
    if (!isOrganisationKind(kind)) throw new Error(`unknown organisation kind "${kind}"`);
    const badBorough = input.boroughs.find((borough) => !isBoroughCode(borough));
    if (badBorough !== undefined) {
      throw new Error(`"${badBorough}" is neither a London GSS code (E09…) nor "pan_london"`);
    }
    const rows = await this.query<OrganisationRow>(
      `INSERT INTO ${this.organisationTable} (id, name, kind, boroughs)
       VALUES ($1, $2, $3, $4)
       RETURNING id, name, kind, boroughs, created_at`,
      [input.id ?? randomUUID(), input.name, input.kind, input.boroughs],
    );
    return toOrganisation(single(rows));
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

  async issueApiKey(input: NewApiKey): Promise<IssuedApiKey> {
    if (input.roles.length === 0) throw new Error('an API key needs at least one role');
    const badRole = (input.roles as readonly string[]).find((role) => !isRole(role));
    if (badRole !== undefined) throw new Error(`unknown role "${badRole}"`);
    const generated = generateApiKey();
    const keyId = randomUUID();
    await this.query(
      `INSERT INTO ${this.apiKeyTable}
         (id, prefix, secret_hash, organisation_id, roles, label, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        keyId,
        generated.prefix,
        generated.secretHash,
        input.organisationId,
        [...new Set(input.roles)],
        input.label,
        input.expiresAt ?? null,
      ],
    );
    return { key: generated.key, keyId, prefix: generated.prefix };
  }

  /**
   * The principal behind `key`, or null when the key is malformed, unknown, has the wrong
   * secret, is revoked or has expired — callers cannot, and must not, tell these apart.
   */
  async authenticate(key: string): Promise<Principal | null> {
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
    const now = Date.now();
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

  /** Revokes a key at once. True if it was active; false if unknown or already revoked. */
  async revokeApiKey(keyId: string): Promise<boolean> {
    if (!UUID.test(keyId)) return false;
    const rows = await this.query<{ id: string }>(
      `UPDATE ${this.apiKeyTable} SET revoked_at = now()
        WHERE id = $1 AND revoked_at IS NULL
        RETURNING id`,
      [keyId],
    );
    return rows.length > 0;
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
