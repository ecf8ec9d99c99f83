import {
  type AuditActor,
  AuditLog,
  type FieldCipher,
  queryRows,
  quoteIdentifier,
  schemaOf,
  systemActor,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { WebhookSecrets } from '../delivery/deliver-alert';
import {
  PREVIOUS_WEBHOOK_SECRET_COLUMN,
  WEBHOOK_SECRET_COLUMN,
} from '../security/encrypted-columns';
import { generateWebhookSecret, webhookSecretProblem } from './webhook-secret';

/** How long a replaced secret keeps signing beside the new one, unless the caller says. */
export const DEFAULT_SECRET_OVERLAP_HOURS = 24;
/** A partner has a week at most to switch its verification to the new secret. */
export const MAX_SECRET_OVERLAP_HOURS = 168;

const HOUR_MS = 60 * 60 * 1000;

export interface RotateWebhookSecretInput {
  /** Hours the replaced secret keeps signing, 0 to 168; default 24. */
  overlapHours?: number;
  /** The partner's own new secret (`whsec_…`); generated when absent. */
  secret?: string;
}

/** Who asked for a rotation and why, for the directory's audit chain. */
export interface SecretRotationAudit {
  actor: AuditActor;
  reason: string;
}

export interface RotatedWebhookSecret {
  contactId: string;
  organisationId: string;
  /** Only when this call generated the secret: show it once, it is not shown again. */
  generatedSecret?: string;
  /** Until when requests also carry a signature by the replaced secret; null: not at all. */
  previousSecretRetiresAt: Date | null;
}

interface SecretRow {
  secret_encrypted: string | null;
  previous_secret_encrypted: string | null;
  previous_secret_retires_at: Date | null;
}

interface RotatingRow extends SecretRow {
  organisation_id: string;
}

/**
 * Webhook contacts' signing secrets, encrypted at rest with the service's `FieldCipher` (they
 * must be decrypted to sign, so they are not hashed). The only code that reads or writes the
 * secret columns: secrets are read at send time, so a rotation applies to the next attempt.
 *
 * Rotation keeps the replaced secret for an overlap: until it ends, each request carries one
 * signature per secret (Standard Webhooks allows several, space-separated), so the partner can
 * switch its verification at leisure; after it, only the new secret signs. A second rotation
 * within an overlap replaces the older secret at once: two secrets sign at most.
 */
export class WebhookSecretStore implements WebhookSecrets {
  private readonly contacts: string;
  private readonly audit: AuditLog;
  private readonly now: () => Date;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cipher: FieldCipher,
    options: { now?: () => Date } = {},
  ) {
    this.contacts = `${quoteIdentifier(schemaOf(dataSource) ?? 'public')}.contact`;
    this.audit = new AuditLog(dataSource);
    this.now = options.now ?? (() => new Date());
  }

  /** A secret as the contact row stores it (the directory calls this when adding a webhook). */
  seal(secret: string): string {
    return this.cipher.encrypt(secret, WEBHOOK_SECRET_COLUMN.context);
  }

  /** The secrets a request to this contact is signed with now: the current one first. */
  async signingSecretsOf(contactId: string): Promise<string[]> {
    const rows = await queryRows<SecretRow>(
      this.dataSource.manager,
      `SELECT secret_encrypted, previous_secret_encrypted, previous_secret_retires_at
         FROM ${this.contacts} WHERE id = $1 AND channel = 'webhook'`,
      [contactId],
    );
    const row = rows[0];
    if (row?.secret_encrypted == null) return [];
    const secrets = [this.cipher.decrypt(row.secret_encrypted, WEBHOOK_SECRET_COLUMN.context)];
    if (
      row.previous_secret_encrypted !== null &&
      row.previous_secret_retires_at !== null &&
      row.previous_secret_retires_at > this.now()
    ) {
      secrets.push(
        this.cipher.decrypt(row.previous_secret_encrypted, PREVIOUS_WEBHOOK_SECRET_COLUMN.context),
      );
    }
    return secrets;
  }

  /**
   * Gives a webhook contact a new signing secret, keeping the current one signing beside it for
   * the overlap; audited (`directory.webhook.secret.rotated`, ids and times only) in the same
   * transaction. Null when there is no such webhook contact.
   */
  async rotate(
    contactId: string,
    input: RotateWebhookSecretInput = {},
    audit: SecretRotationAudit = {
      actor: systemActor('notification'),
      reason: 'webhook secret rotation',
    },
  ): Promise<RotatedWebhookSecret | null> {
    const overlapHours = input.overlapHours ?? DEFAULT_SECRET_OVERLAP_HOURS;
    if (
      !Number.isFinite(overlapHours) ||
      overlapHours < 0 ||
      overlapHours > MAX_SECRET_OVERLAP_HOURS
    ) {
      throw new RangeError(`the overlap must be between 0 and ${MAX_SECRET_OVERLAP_HOURS} hours`);
    }
    const given = input.secret?.trim();
    if (given !== undefined) {
      const problem = webhookSecretProblem(given);
      if (problem !== null) throw new RangeError(problem);
    }
    const secret = given ?? generateWebhookSecret();
    const now = this.now();
    return this.dataSource.transaction(async (manager) => {
      // Locked, so two rotations of one contact take turns and neither loses the other's secret.
      const rows = await queryRows<RotatingRow>(
        manager,
        `SELECT organisation_id, secret_encrypted, previous_secret_encrypted, previous_secret_retires_at
           FROM ${this.contacts} WHERE id = $1 AND channel = 'webhook' FOR UPDATE`,
        [contactId],
      );
      const row = rows[0];
      if (row === undefined) return null;
      const retiresAt =
        overlapHours > 0 && row.secret_encrypted !== null
          ? new Date(now.getTime() + overlapHours * HOUR_MS)
          : null;
      // The contexts differ per column, so the replaced secret is re-encrypted for its new slot.
      const previous =
        retiresAt === null || row.secret_encrypted === null
          ? null
          : this.cipher.encrypt(
              this.cipher.decrypt(row.secret_encrypted, WEBHOOK_SECRET_COLUMN.context),
              PREVIOUS_WEBHOOK_SECRET_COLUMN.context,
            );
      await queryRows(
        manager,
        `UPDATE ${this.contacts}
            SET secret_encrypted = $2, previous_secret_encrypted = $3,
                previous_secret_retires_at = $4, secret_rotated_at = $5
          WHERE id = $1`,
        [contactId, this.seal(secret), previous, retiresAt, now],
      );
      await this.audit.append(manager, {
        ...audit,
        action: 'directory.webhook.secret.rotated',
        resource: { kind: 'contact', id: contactId },
        details: {
          organisationId: row.organisation_id,
          overlapHours,
          previousSecretRetiresAt: retiresAt?.toISOString() ?? null,
        },
      });
      return {
        contactId,
        organisationId: row.organisation_id,
        ...(given === undefined ? { generatedSecret: secret } : {}),
        previousSecretRetiresAt: retiresAt,
      };
    });
  }
}
