import { FieldCipher, generateDataEncryptionKey } from '@harbour/platform';
import { createTestSchema, testDatabaseUrl, type TestSchema } from '@harbour/testing';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { type CliContext, openCliContext } from '../cli/cli-context';
import { CliError } from '../cli/cli-error';
import { addContact, rotateContactSecret } from '../cli/contact-commands';
import { addOrganisation } from '../cli/organisation-commands';
import { WEBHOOK_SECRET_COLUMN } from '../security/encrypted-columns';
import { signWebhook } from './webhook-signature';

jest.setTimeout(60_000);

describe('registering webhook contacts', () => {
  let notificationSchema: TestSchema;
  let identitySchema: TestSchema;
  let context: CliContext;
  let db: Client;
  let organisationId: string;
  const dataEncryptionKey = generateDataEncryptionKey();
  const cipher = FieldCipher.fromBase64Key(dataEncryptionKey);

  beforeAll(async () => {
    notificationSchema = await createTestSchema('notification_webhook_contacts');
    identitySchema = await createTestSchema('identity_webhook_contacts');
    context = await openCliContext({
      databaseUrl: testDatabaseUrl(),
      notificationSchema: notificationSchema.schema,
      identitySchema: identitySchema.schema,
      dataKeys: { DATA_ENCRYPTION_KEY: dataEncryptionKey },
    });
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    organisationId = (
      await addOrganisation(context, {
        name: 'Webhook NGO',
        kind: 'ngo',
        boroughs: ['pan_london'],
      })
    ).organisation.id;
  });

  afterAll(async () => {
    await context.close();
    await db.end();
    await notificationSchema.drop();
    await identitySchema.drop();
  });

  /** The secret as stored, opened with the service's key; the plaintext column stays empty. */
  const storedSecret = async (contactId: string): Promise<string | null> => {
    const result = await db.query<{ secret: string | null; sealed: string | null }>(
      `SELECT secret, secret_encrypted AS sealed FROM "${notificationSchema.schema}".contact
        WHERE id = $1`,
      [contactId],
    );
    const row = result.rows[0];
    expect(row?.secret ?? null).toBeNull();
    if (row?.sealed == null) return null;
    expect(row.sealed).not.toContain('whsec_');
    return cipher.decrypt(row.sealed, WEBHOOK_SECRET_COLUMN.context);
  };

  it('stores a webhook with a fresh secret, shown once, that the partner can verify requests with', async () => {
    const added = await addContact(context, {
      organisationId,
      webhook: 'https://ngo.example/harbour',
    });
    expect(added.created).toBe(true);
    expect(added.contact).toMatchObject({
      channel: 'webhook',
      address: 'https://ngo.example/harbour',
    });
    const secret = added.generatedSecret ?? '';
    expect(secret).toMatch(/^whsec_/);
    expect(await storedSecret(added.contact.id)).toBe(secret);
    const body = '{"type":"harbour.alert"}';
    expect(() =>
      new Webhook(secret).verify(body, { ...signWebhook(secret, 'msg_x', body, new Date()) }),
    ).not.toThrow();

    const again = await addContact(context, {
      organisationId,
      webhook: 'https://ngo.example/harbour',
    });
    expect(again.created).toBe(false);
    expect(again.generatedSecret).toBeUndefined();
    expect(await storedSecret(added.contact.id)).toBe(secret);
  });

  it('keeps a secret the partner gave, and e-mail contacts still work', async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const added = await addContact(context, {
      organisationId,
      webhook: 'http://127.0.0.1:9999/hook',
      secret,
    });
    expect(added.generatedSecret).toBeUndefined();
    expect(await storedSecret(added.contact.id)).toBe(secret);
    const email = await addContact(context, { organisationId, email: 'duty@ngo.example' });
    expect(email.contact).toMatchObject({ channel: 'email', address: 'duty@ngo.example' });
    expect(await storedSecret(email.contact.id)).toBeNull();
  });

  it('rejects bad URLs and secrets at registration, storing nothing', async () => {
    const before = await db.query(`SELECT id FROM "${notificationSchema.schema}".contact`);
    const refusals: [Parameters<typeof addContact>[1], string | RegExp][] = [
      [{ organisationId, webhook: 'not a url' }, '"not a url" is not a URL'],
      [{ organisationId, webhook: 'http://ngo.example/hook' }, /must use https/],
      [{ organisationId, webhook: 'https://me:pw@ngo.example/hook' }, /user name or password/],
      [
        { organisationId, webhook: 'https://ngo.example/h', secret: 'hunter2' },
        /start with "whsec_"/,
      ],
      [
        { organisationId, webhook: 'https://ngo.example/h', secret: 'whsec_c2hvcnQ=' },
        /24 to 64 bytes/,
      ],
      [{ organisationId }, 'give either --email <address> or --webhook <url>'],
      [{ organisationId, email: 'a@b.example', webhook: 'https://ngo.example/h' }, /either/],
      [{ organisationId, email: 'a@b.example', secret: 'whsec_x' }, /for webhook contacts only/],
    ];
    for (const [input, message] of refusals) {
      const attempt = addContact(context, input);
      await expect(attempt).rejects.toThrow(CliError);
      await expect(attempt).rejects.toThrow(message);
    }
    const after = await db.query(`SELECT id FROM "${notificationSchema.schema}".contact`);
    expect(after.rowCount).toBe(before.rowCount);
  });
  it('rotates a webhook secret from the command line, showing a generated one once', async () => {
    const added = await addContact(context, {
      organisationId,
      webhook: 'https://ngo.example/rotating',
    });
    const old = added.generatedSecret ?? '';
    const rotated = await rotateContactSecret(context, added.contact.id, { overlapHours: '12' });
    const fresh = rotated.generatedSecret ?? '';
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(old);
    expect(await storedSecret(added.contact.id)).toBe(fresh);
    expect(await context.webhookSecrets?.signingSecretsOf(added.contact.id)).toEqual([fresh, old]);
    expect(rotated.previousSecretRetiresAt?.getTime()).toBeGreaterThan(Date.now() + 11.9 * 3600e3);

    const given = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const again = await rotateContactSecret(context, added.contact.id, {
      overlapHours: '0',
      secret: given,
    });
    expect(again.generatedSecret).toBeUndefined();
    expect(await context.webhookSecrets?.signingSecretsOf(added.contact.id)).toEqual([given]);

    for (const [input, message] of [
      [{ overlapHours: '169' }, /0 to 168/],
      [{ overlapHours: 'a day' }, /0 to 168/],
      [{ secret: 'hunter2' }, /start with "whsec_"/],
    ] as const) {
      await expect(rotateContactSecret(context, added.contact.id, input)).rejects.toThrow(message);
    }
    await expect(
      rotateContactSecret(context, '00000000-0000-4000-8000-000000000000'),
    ).rejects.toThrow(/no webhook contact/);
  });

  it('refuses to add or rotate a webhook without the data key, storing nothing', async () => {
    const keyless = await openCliContext({
      databaseUrl: testDatabaseUrl(),
      notificationSchema: notificationSchema.schema,
      identitySchema: identitySchema.schema,
    });
    try {
      const before = await db.query(`SELECT id FROM "${notificationSchema.schema}".contact`);
      const attempt = addContact(keyless, { organisationId, webhook: 'https://ngo.example/k' });
      await expect(attempt).rejects.toThrow(CliError);
      await expect(attempt).rejects.toThrow(/DATA_ENCRYPTION_KEY/);
      const after = await db.query(`SELECT id FROM "${notificationSchema.schema}".contact`);
      expect(after.rowCount).toBe(before.rowCount);
      const first = after.rows[0] as { id: string };
      await expect(rotateContactSecret(keyless, first.id)).rejects.toThrow(/DATA_ENCRYPTION_KEY/);
      // E-mail contacts need no key.
      const email = await addContact(keyless, { organisationId, email: 'keyless@ngo.example' });
      expect(email.created).toBe(true);
    } finally {
      await keyless.close();
    }
  });
});
