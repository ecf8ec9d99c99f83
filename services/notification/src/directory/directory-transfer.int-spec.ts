import { randomUUID } from 'node:crypto';
import { generateDataEncryptionKey } from '@harbour/platform';
import { createTestSchema, testDatabaseUrl, type TestSchema } from '@harbour/testing';
import { type CliContext, openCliContext } from '../cli/cli-context';
import { exportDirectory, importDirectory } from './directory-transfer';

// Real Postgres on a shared, busy machine: the 5 s default is too tight for a fresh schema.
jest.setTimeout(60_000);

const SECRET = `whsec_${Buffer.from('a-signing-secret-of-32-bytes-ok!').toString('base64')}`;

describe('directory export and import (Open Referral UK shape, real Postgres)', () => {
  const schemas: TestSchema[] = [];
  const contexts: CliContext[] = [];

  async function freshDirectory(): Promise<CliContext> {
    const notification = await createTestSchema('notification_transfer');
    const identity = await createTestSchema('identity_transfer');
    schemas.push(notification, identity);
    const context = await openCliContext({
      databaseUrl: testDatabaseUrl(),
      notificationSchema: notification.schema,
      identitySchema: identity.schema,
      // Imported webhook secrets are stored encrypted under the service's key.
      dataKeys: { DATA_ENCRYPTION_KEY: generateDataEncryptionKey() },
    });
    contexts.push(context);
    return context;
  }

  afterAll(async () => {
    for (const context of contexts) await context.close();
    for (const schema of schemas) await schema.drop();
  });

  const ngoId = randomUUID();
  const document = {
    profile: 'test',
    organizations: [
      {
        id: ngoId,
        name: 'Domestic Workers Support',
        x_harbour_kind: 'ngo',
        services: [
          {
            id: ngoId,
            name: 'alerts',
            status: 'active',
            service_areas: [
              { id: 'a', name: 'London', extent_type: 'pan_london', extent: 'pan_london' },
            ],
            languages: [
              { id: 'l1', code: 'tl' },
              { id: 'l2', code: 'hi' },
            ],
            x_harbour_specialisms: ['domestic_servitude', 'women'],
            x_harbour_age_groups: ['adult'],
            x_harbour_duty_hours: { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:30' },
            contacts: [
              { id: 'c1', name: 'Caseworkers', email: 'casework@dws.example' },
              {
                id: 'c2',
                name: 'On call',
                email: 'oncall@dws.example',
                x_harbour_out_of_hours: true,
              },
              {
                id: 'c3',
                name: 'Case system',
                x_harbour_webhook_url: 'https://dws.example/hooks/harbour',
                x_harbour_webhook_secret: SECRET,
              },
            ],
          },
        ],
      },
    ],
  };

  it('imports a document, and exports what it imported (without secrets)', async () => {
    const context = await freshDirectory();
    const outcome = await importDirectory(context, document);
    expect(outcome).toEqual({
      ok: true,
      organisations: { created: 1, unchanged: 0 },
      contacts: { created: 3, unchanged: 0 },
    });
    expect((await context.identity.findOrganisation(ngoId))?.kind).toBe('ngo');

    const exported = await exportDirectory(context);
    expect(exported.organizations).toHaveLength(1);
    const service = exported.organizations[0]!.services[0]!;
    expect(service).toMatchObject({
      service_areas: [{ extent: 'pan_london', extent_type: 'pan_london' }],
      languages: [{ code: 'tl' }, { code: 'hi' }],
      x_harbour_specialisms: ['domestic_servitude', 'women'],
      x_harbour_age_groups: ['adult'],
      x_harbour_duty_hours: { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:30' },
    });
    expect(service.contacts.map((c) => c.email ?? c.x_harbour_webhook_url)).toEqual([
      'casework@dws.example',
      'oncall@dws.example',
      'https://dws.example/hooks/harbour',
    ]);
    expect(
      service.contacts.find((c) => c.email === 'oncall@dws.example')?.x_harbour_out_of_hours,
    ).toBe(true);
    expect(JSON.stringify(exported)).not.toContain('whsec_');

    // Re-importing the same document changes nothing.
    expect(await importDirectory(context, document)).toEqual({
      ok: true,
      organisations: { created: 0, unchanged: 1 },
      contacts: { created: 0, unchanged: 3 },
    });
  });

  it('round-trips: an export imported into an empty directory exports the same', async () => {
    const source = await freshDirectory();
    await importDirectory(source, {
      ...document,
      organizations: [
        {
          ...document.organizations[0]!,
          services: [
            {
              ...document.organizations[0]!.services[0]!,
              contacts: [document.organizations[0]!.services[0]!.contacts[0]!],
            },
          ],
        },
      ],
    });
    const first = await exportDirectory(source);
    const target = await freshDirectory();
    expect((await importDirectory(target, first)).ok).toBe(true);
    const second = await exportDirectory(target);
    const withoutContactIds = (d: typeof first) =>
      JSON.stringify(d, (key, value: unknown) =>
        key === 'id' && typeof value === 'string' && value.length < 36 ? undefined : value,
      );
    expect(second.organizations[0]!.services[0]!.contacts.map((c) => c.email)).toEqual([
      'casework@dws.example',
    ]);
    expect(
      withoutContactIds({
        ...second,
        organizations: second.organizations.map((o) => ({
          ...o,
          services: o.services.map((s) => ({ ...s, contacts: [] })),
        })),
      }),
    ).toBe(
      withoutContactIds({
        ...first,
        organizations: first.organizations.map((o) => ({
          ...o,
          services: o.services.map((s) => ({ ...s, contacts: [] })),
        })),
      }),
    );
  });

  it('rejects a bad document whole, naming every problem, and writes nothing', async () => {
    const context = await freshDirectory();
    const bad = structuredClone(document) as unknown as {
      organizations: Record<string, unknown>[];
    };
    const service = (bad.organizations[0]!.services as Record<string, unknown>[])[0]!;
    bad.organizations[0]!.x_harbour_kind = 'charity';
    service.service_areas = [{ extent: 'E09999999' }];
    service.languages = [{ code: 'english' }];
    service.contacts = [
      { email: 'not-an-email' },
      { x_harbour_webhook_url: 'http://partner.example/hook', x_harbour_webhook_secret: 'nope' },
    ];
    const outcome = await importDirectory(context, bad);
    expect(outcome.ok).toBe(false);
    const pointers = outcome.ok ? [] : outcome.issues.map((i) => i.pointer);
    expect(pointers).toEqual([
      '/organizations/0/x_harbour_kind',
      '/organizations/0/services/0/service_areas',
      '/organizations/0/services/0/languages',
      '/organizations/0/services/0/contacts/0/email',
      '/organizations/0/services/0/contacts/1/x_harbour_webhook_url',
      '/organizations/0/services/0/contacts/1/x_harbour_webhook_secret',
    ]);
    expect(await context.directory.listOrganisations()).toEqual([]);
    expect(await context.identity.findOrganisation(ngoId)).toBeNull();
  });
});
