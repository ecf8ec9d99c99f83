import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook signing secrets and partners' replies move to `FieldCipher` columns, and a webhook
 * contact gains a second secret slot for rotation with overlap.
 *
 * A migration has no data key, so it cannot encrypt what is already stored: the service does it
 * on start (`encryptPlaintextAtRest`), moving each plaintext `contact.secret` and
 * `acknowledgement.response` into its encrypted column and clearing the plaintext, before it
 * serves a request. The plaintext columns stay (empty) until a later migration drops them once
 * every deployment has started this release; nothing reads or writes them meanwhile.
 */
export class EncryptedSecretsAndReplies1765450000000 implements MigrationInterface {
  name = 'EncryptedSecretsAndReplies1765450000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    // A webhook contact has a secret, plaintext until the start-up encryption, encrypted after.
    // The previous secret and the end of its overlap come and go together.
    await queryRunner.query(`
      ALTER TABLE ${s}.contact
        ADD COLUMN secret_encrypted text NULL,
        ADD COLUMN previous_secret_encrypted text NULL,
        ADD COLUMN previous_secret_retires_at timestamptz NULL,
        ADD COLUMN secret_rotated_at timestamptz NULL,
        DROP CONSTRAINT contact_webhook_secret_check,
        ADD CONSTRAINT contact_webhook_secret_check
          CHECK (channel <> 'webhook' OR secret IS NOT NULL OR secret_encrypted IS NOT NULL),
        ADD CONSTRAINT contact_previous_secret_check
          CHECK ((previous_secret_encrypted IS NULL) = (previous_secret_retires_at IS NULL)),
        ADD CONSTRAINT contact_secret_email_check
          CHECK (channel = 'webhook' OR (secret_encrypted IS NULL AND previous_secret_encrypted IS NULL))`);
    await queryRunner.query(
      `ALTER TABLE ${s}.acknowledgement ADD COLUMN response_encrypted text NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    // Without the key the encrypted values cannot be put back: refuse rather than lose them.
    const [encrypted] = (await queryRunner.query(`
      SELECT (SELECT count(*) FROM ${s}.contact WHERE secret_encrypted IS NOT NULL)
           + (SELECT count(*) FROM ${s}.acknowledgement WHERE response_encrypted IS NOT NULL) AS n`)) as {
      n: string;
    }[];
    if (Number(encrypted?.n ?? 0) > 0) {
      throw new Error(
        'encrypted webhook secrets or replies exist: reverting would lose them (decrypt them first)',
      );
    }
    await queryRunner.query(`ALTER TABLE ${s}.acknowledgement DROP COLUMN response_encrypted`);
    await queryRunner.query(`
      ALTER TABLE ${s}.contact
        DROP CONSTRAINT contact_secret_email_check,
        DROP CONSTRAINT contact_previous_secret_check,
        DROP CONSTRAINT contact_webhook_secret_check,
        ADD CONSTRAINT contact_webhook_secret_check CHECK (channel <> 'webhook' OR secret IS NOT NULL),
        DROP COLUMN secret_rotated_at,
        DROP COLUMN previous_secret_retires_at,
        DROP COLUMN previous_secret_encrypted,
        DROP COLUMN secret_encrypted`);
  }
}
