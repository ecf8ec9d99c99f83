import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { WebhookSecrets } from '../delivery/deliver-alert';
import { queryRows } from '@harbour/platform';

/**
 * Reads a webhook contact's signing secret at send time, so a rotated secret applies to the
 * next attempt. Nothing else selects the secret column.
 */
export class WebhookSecretStore implements WebhookSecrets {
  private readonly contacts: string;

  constructor(private readonly dataSource: DataSource) {
    this.contacts = `${quoteIdentifier(schemaOf(dataSource) ?? 'public')}.contact`;
  }

  async secretOf(contactId: string): Promise<string | null> {
    const rows = await queryRows<{ secret: string | null }>(
      this.dataSource.manager,
      `SELECT secret FROM ${this.contacts} WHERE id = $1 AND channel = 'webhook'`,
      [contactId],
    );
    return rows[0]?.secret ?? null;
  }
}
