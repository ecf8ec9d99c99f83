import { randomUUID } from 'node:crypto';
import { createLogger } from '@harbour/platform';
import type { TestSchema } from '@harbour/testing';
import type { DataSource } from 'typeorm';
import { AcknowledgementRepository } from '../acknowledgement/acknowledgement-repository';
import { AlertRepository } from '../alerts/alert-repository';
import { generateWebhookSecret } from '../channels/webhook-secret';
import { WebhookSecretStore } from '../channels/webhook-secret-store';
import { DirectoryRepository } from '../directory/directory-repository';
import { openNotificationTestDatabase } from '../test-support/notification-test-database';
import { highRiskAlertRequested, testFieldCipher } from '../test-support/notification-test-harness';
import { encryptPlaintextAtRest } from './encrypt-plaintext-at-rest';
import { ACKNOWLEDGEMENT_RESPONSE_COLUMN, WEBHOOK_SECRET_COLUMN } from './encrypted-columns';

jest.setTimeout(60_000);

/**
 * An upgrade: rows written in clear by the release before encryption at rest, then the service
 * starting with its key.
 */
describe('encrypting at start what an earlier release stored in clear', () => {
  const logger = createLogger({ service: 'notification-test', level: 'silent' });
  const cipher = testFieldCipher();
  let schema: TestSchema;
  let dataSource: DataSource;
  const s = () => `"${schema.schema}"`;

  beforeAll(async () => {
    ({ schema, dataSource } = await openNotificationTestDatabase('notification_plaintext', 4));
  });

  afterAll(async () => {
    await dataSource.destroy();
    await schema.drop();
  });

  /** What the earlier release wrote: a webhook contact with its secret, a reply, in clear. */
  async function legacyRows(): Promise<{
    contactId: string;
    secret: string;
    alertId: string;
    acknowledgementId: string;
    reply: string;
  }> {
    const directory = new DirectoryRepository(dataSource);
    const organisationId = randomUUID();
    await directory.addOrganisation({
      id: organisationId,
      name: 'Legacy NGO',
      kind: 'ngo',
      boroughs: ['E09000007'],
    });
    const contactId = randomUUID();
    const secret = generateWebhookSecret();
    await dataSource.query(
      `INSERT INTO ${s()}.contact (id, organisation_id, channel, address, label, secret)
       VALUES ($1, $2, 'webhook', $3, '', $4)`,
      [contactId, organisationId, `https://legacy.example/${contactId}`, secret],
    );
    const alert = highRiskAlertRequested();
    await dataSource.transaction((manager) =>
      new AlertRepository(dataSource).record(alert, manager),
    );
    const acknowledgementId = randomUUID();
    const reply = `Two beds for women tonight ${acknowledgementId}`;
    await dataSource.query(
      `INSERT INTO ${s()}.acknowledgement (id, alert_id, organisation_id, via, actor, response)
       VALUES ($1, $2, $3, 'api', 'api-key:legacy', $4)`,
      [acknowledgementId, alert.alertId, organisationId, reply],
    );
    return { contactId, secret, alertId: alert.alertId, acknowledgementId, reply };
  }

  it('moves each plaintext secret and reply into its encrypted column, clearing the plaintext, once', async () => {
    const legacy = await legacyRows();

    const first = await encryptPlaintextAtRest(dataSource, cipher, logger);
    expect(first.webhookSecrets).toBeGreaterThanOrEqual(1);
    expect(first.acknowledgementResponses).toBeGreaterThanOrEqual(1);

    const [contact] = await dataSource.query<{ secret: string | null; sealed: string }[]>(
      `SELECT secret, secret_encrypted AS sealed FROM ${s()}.contact WHERE id = $1`,
      [legacy.contactId],
    );
    expect(contact?.secret).toBeNull();
    expect(contact?.sealed).not.toContain(legacy.secret.slice('whsec_'.length));
    expect(cipher.decrypt(contact?.sealed ?? '', WEBHOOK_SECRET_COLUMN.context)).toBe(
      legacy.secret,
    );
    const [acknowledgement] = await dataSource.query<{ response: string | null; sealed: string }[]>(
      `SELECT response, response_encrypted AS sealed FROM ${s()}.acknowledgement WHERE id = $1`,
      [legacy.acknowledgementId],
    );
    expect(acknowledgement?.response).toBeNull();
    expect(acknowledgement?.sealed).not.toContain('beds');
    expect(
      cipher.decrypt(acknowledgement?.sealed ?? '', ACKNOWLEDGEMENT_RESPONSE_COLUMN.context),
    ).toBe(legacy.reply);

    // The service reads them as before: the webhook still signs, the reply still shows.
    const secrets = new WebhookSecretStore(dataSource, cipher);
    expect(await secrets.signingSecretsOf(legacy.contactId)).toEqual([legacy.secret]);
    const [read] = await new AcknowledgementRepository(dataSource, cipher).ofAlert(legacy.alertId);
    expect(read?.response).toBe(legacy.reply);

    // The next start finds nothing left in clear.
    expect(await encryptPlaintextAtRest(dataSource, cipher, logger)).toEqual({
      webhookSecrets: 0,
      acknowledgementResponses: 0,
    });
    const [left] = await dataSource.query<{ n: string }[]>(
      `SELECT (SELECT count(*) FROM ${s()}.contact WHERE secret IS NOT NULL)
            + (SELECT count(*) FROM ${s()}.acknowledgement WHERE response IS NOT NULL) AS n`,
    );
    expect(Number(left?.n)).toBe(0);
  });

  it('lets instances starting together share the work, leaving nothing in clear', async () => {
    const rows = await Promise.all([legacyRows(), legacyRows(), legacyRows()]);
    const runs = await Promise.all(
      [1, 2, 3].map(() => encryptPlaintextAtRest(dataSource, cipher, logger)),
    );
    expect(runs.reduce((sum, run) => sum + run.webhookSecrets, 0)).toBe(rows.length);
    expect(runs.reduce((sum, run) => sum + run.acknowledgementResponses, 0)).toBe(rows.length);
    const secrets = new WebhookSecretStore(dataSource, cipher);
    for (const row of rows) {
      expect(await secrets.signingSecretsOf(row.contactId)).toEqual([row.secret]);
    }
  });
});
