import { createTestSchema, testDatabaseUrl, type TestSchema } from '@harbour/testing';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { type CliContext, openCliContext } from '../cli/cli-context';
import { CliError } from '../cli/cli-error';
import { addContact } from '../cli/contact-commands';
import { addOrganisation } from '../cli/organisation-commands';
import { signWebhook } from './webhook-signature';

jest.setTimeout(60_000);

describe('registering webhook contacts', () => {
  let notificationSchema: TestSchema;
  let identitySchema: TestSchema;
  let context: CliContext;
  let db: Client;
  let organisationId: string;

  beforeAll(async () => {
    notificationSchema = await createTestSchema('notification_webhook_contacts');
    identitySchema = await createTestSchema('identity_webhook_contacts');
    context = await openCliContext({
      databaseUrl: testDatabaseUrl(),
      notificationSchema: notificationSchema.schema,
      identitySchema: identitySchema.schema,
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

  const storedSecret = async (contactId: string): Promise<string | null> => {
    const result = await db.query<{ secret: string | null }>(
      `SELECT secret FROM "${notificationSchema.schema}".contact WHERE id = $1`,
      [contactId],
    );
    return result.rows[0]?.secret ?? null;
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
});
