import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataEncryptionKey } from '@harbour/platform';
import { createTestSchema, testDatabaseUrl, type TestSchema } from '@harbour/testing';
import { Client } from 'pg';
import { type CliContext, openCliContext } from './cli-context';
import { CliError } from './cli-error';
import { addContact } from './contact-commands';
import { demoDirectory, demoOrganisationId } from './demo-directory';
import { issueKey, listKeys, revokeKey, rotateKey } from './key-commands';
import { addOrganisation, listOrganisations } from './organisation-commands';
import { addPerson, listPeople, removePerson } from './person-commands';
import { compileCli } from './test-support/compiled-cli';
import { type DemoKeysFile, seedDemo } from './seed-demo';

jest.setTimeout(60_000);

describe('harbour CLI commands', () => {
  let notificationSchema: TestSchema;
  let identitySchema: TestSchema;
  let context: CliContext;
  let db: Client;
  let workDir: string;

  beforeAll(async () => {
    notificationSchema = await createTestSchema('notification_cli');
    identitySchema = await createTestSchema('identity_cli');
    context = await openCliContext({
      databaseUrl: testDatabaseUrl(),
      notificationSchema: notificationSchema.schema,
      identitySchema: identitySchema.schema,
    });
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    workDir = await mkdtemp(join(tmpdir(), 'harbour-cli-'));
  });

  afterAll(async () => {
    await context.close();
    await db.end();
    await notificationSchema.drop();
    await identitySchema.drop();
    await rm(workDir, { recursive: true, force: true });
  });

  const count = async (table: string): Promise<number> => {
    const result = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(result.rows[0]?.n);
  };

  it('adds an organisation to both stores under one id, and a key issued for it authenticates', async () => {
    const { organisation, created } = await addOrganisation(context, {
      name: 'Islington Missing Persons Unit',
      kind: 'missing_person_unit',
      boroughs: ['E09000019'],
      languages: ['ro'],
    });
    expect(created).toBe(true);
    expect(await context.identity.findOrganisation(organisation.id)).toMatchObject({
      name: 'Islington Missing Persons Unit',
      kind: 'missing_person_unit',
      boroughs: ['E09000019'],
    });
    expect(await context.directory.findOrganisation(organisation.id)).toMatchObject({
      languages: ['ro'],
    });

    const issued = await issueKey(context, {
      organisationId: organisation.id,
      roles: ['submit', 'read'],
    });
    const principal = await context.identity.authenticate(issued.key);
    expect(principal).toMatchObject({
      organisationId: organisation.id,
      organisationKind: 'missing_person_unit',
      roles: ['submit', 'read'],
    });
    expect((await listKeys(context, organisation.id)).map((k) => k.id)).toEqual([issued.keyId]);

    await revokeKey(context, issued.keyId);
    expect(await context.identity.authenticate(issued.key)).toBeNull();
    await expect(revokeKey(context, issued.keyId)).rejects.toThrow(CliError);
  });

  it('rotates a key: a new one with the same roles, the old one working until the overlap ends', async () => {
    const { organisation } = await addOrganisation(context, {
      name: 'Barnet SPoC',
      kind: 'police_borough',
      boroughs: ['E09000003'],
    });
    const old = await issueKey(context, {
      organisationId: organisation.id,
      roles: ['submit'],
      label: 'crime system',
    });
    const before = Date.now();
    const rotated = await rotateKey(context, old.keyId, '0.5');
    expect(rotated.replacedKeyExpiresAt.getTime()).toBeGreaterThanOrEqual(before + 1_800_000);
    expect(rotated.replacedKeyExpiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 1_800_000);
    expect(await context.identity.authenticate(old.key)).toMatchObject({ keyId: old.keyId });
    expect(await context.identity.authenticate(rotated.key)).toMatchObject({
      organisationId: organisation.id,
      roles: ['submit'],
    });
    const listed = await listKeys(context, organisation.id);
    expect(listed.map((k) => [k.id, k.label])).toEqual(
      expect.arrayContaining([
        [old.keyId, 'crime system'],
        [rotated.keyId, 'crime system'],
      ]),
    );
    // An overlap of 0 stops the old key now, as the rotation commits.
    const again = await rotateKey(context, rotated.keyId, '0');
    expect(await context.identity.authenticate(rotated.key)).toBeNull();
    expect(await context.identity.authenticate(again.key)).not.toBeNull();

    await expect(rotateKey(context, rotated.keyId)).rejects.toThrow(/no active key/);
    await expect(rotateKey(context, again.keyId, '169')).rejects.toThrow(/0 to 168/);
    await expect(rotateKey(context, again.keyId, '-1')).rejects.toThrow(/0 to 168/);
    await expect(rotateKey(context, again.keyId, 'soon')).rejects.toThrow(CliError);
  });

  it('wires "keys rotate" and "contact rotate-secret" to the commands, the new secrets printed once', async () => {
    // Compiled and run as a process, as an operator would: commander is ESM, Jest's modules are not.
    const cli = compileCli();
    const env = {
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      NOTIFICATION_DB_SCHEMA: notificationSchema.schema,
      DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
    };
    /** One command as an operator runs it; its standard output and error. */
    const harbour = async (...args: string[]) => {
      const run = await cli.run(args, env);
      expect({ args, code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
        args,
        code: 0,
        stderr: '',
      });
      return { out: run.stdout.trim(), err: run.stderr.trim() };
    };
    try {
      // The command line's own stores: the shared identity schema of the test database.
      const org = (
        await harbour(
          'org',
          'add',
          '--name',
          `Rotating NGO ${Date.now()}`,
          '--kind',
          'ngo',
          '--borough',
          'pan_london',
        )
      ).out;
      const issued = await harbour('key', 'issue', '--org', org, '--role', 'read');
      const keyId = /^Key ([0-9a-f-]{36})/.exec(issued.err)?.[1] ?? '';
      const rotated = await harbour('keys', 'rotate', keyId, '--overlap-hours', '1');
      expect(rotated.out).toMatch(/^hbr_[a-z0-9]{12}_/);
      expect(rotated.out).not.toBe(issued.out);
      expect(rotated.err).toMatch(new RegExp(`replaces ${keyId}, which stops working at \\d{4}-`));

      const contactId = (
        await harbour('contact', 'add', '--org', org, '--webhook', 'https://ngo.example/cli')
      ).out;
      const secret = await harbour('contact', 'rotate-secret', contactId, '--overlap-hours', '2');
      expect(secret.out).toBe(contactId);
      expect(secret.err).toMatch(/^Requests carry both signatures until \d{4}-/);
      expect(secret.err).toMatch(/Signing secret \(shown only now; .*\): whsec_/);

      const keyless = await cli.run(['contact', 'rotate-secret', contactId], {
        ...env,
        DATA_ENCRYPTION_KEY: '',
      });
      expect(keyless.code).not.toBe(0);
      expect(keyless.stderr).toContain('DATA_ENCRYPTION_KEY');
    } finally {
      cli.remove();
    }
  }, 180_000);

  it('adds, lists and removes people of an organisation, only with the identity data key', async () => {
    const { organisation } = await addOrganisation(context, {
      name: 'Hackney council',
      kind: 'local_authority',
      boroughs: ['E09000012'],
    });
    const input = {
      organisationId: organisation.id,
      email: 'Ana@Hackney.example',
      roles: ['read'],
    };
    await expect(addPerson(context, input)).rejects.toThrow('set IDENTITY_DATA_KEY');

    const withKey = await openCliContext({
      databaseUrl: testDatabaseUrl(),
      notificationSchema: notificationSchema.schema,
      identitySchema: identitySchema.schema,
      identityDataKeys: { IDENTITY_DATA_KEY: generateDataEncryptionKey() },
    });
    try {
      const person = await addPerson(withKey, { ...input, roles: ['read', 'respond', 'read'] });
      expect(person).toMatchObject({ email: 'ana@hackney.example', roles: ['read', 'respond'] });
      await expect(addPerson(withKey, input)).rejects.toThrow('exists already');
      await expect(addPerson(withKey, { ...input, email: 'nope' })).rejects.toThrow(CliError);
      await expect(
        addPerson(withKey, { ...input, organisationId: '00000000-0000-4000-8000-000000000000' }),
      ).rejects.toThrow('unknown organisation');
      expect((await listPeople(withKey, organisation.id)).map((p) => p.id)).toEqual([person.id]);
      expect(await removePerson(withKey, 'ANA@hackney.example')).toBe(person.id);
      await expect(removePerson(withKey, person.id)).rejects.toThrow('already removed');
      expect((await listPeople(withKey, organisation.id))[0]?.disabledAt).toBeInstanceOf(Date);
      const stored = await db.query(`SELECT * FROM "${identitySchema.schema}".person`);
      expect(JSON.stringify(stored.rows)).not.toContain('hackney.example');
    } finally {
      await withKey.close();
    }
  });

  it('adds an organisation with a given id only once', async () => {
    const id = '5d0c8a3e-2f41-4b7a-9c6d-1e2f3a4b5c6d';
    const input = { id, name: 'Hackney SPoC', kind: 'police_borough', boroughs: ['E09000012'] };
    expect((await addOrganisation(context, input)).created).toBe(true);
    expect((await addOrganisation(context, input)).created).toBe(false);
    await expect(addOrganisation(context, { ...input, name: 'Someone else' })).rejects.toThrow(
      /already exists as "Hackney SPoC"/,
    );
  });

  it('adds a contact to a known organisation, once', async () => {
    const { organisation } = await addOrganisation(context, {
      name: 'An NGO',
      kind: 'ngo',
      boroughs: ['pan_london'],
      specialisms: ['labour'],
    });
    const first = await addContact(context, {
      organisationId: organisation.id,
      email: 'duty@ngo.example',
      label: 'duty',
    });
    const again = await addContact(context, {
      organisationId: organisation.id,
      email: 'duty@ngo.example',
    });
    expect(first.created).toBe(true);
    expect(again).toEqual({ contact: first.contact, created: false });
    const listed = (await listOrganisations(context)).find((o) => o.id === organisation.id);
    expect(listed?.contacts).toEqual(['duty@ngo.example']);
  });

  it('refuses user mistakes with a clear message', async () => {
    await expect(
      addOrganisation(context, { name: 'X', kind: 'charity', boroughs: ['E09000007'] }),
    ).rejects.toThrow(
      new CliError(
        'unknown kind "charity": use one of police_borough, police_specialist, immigration, local_authority, ngo, housing_provider, missing_person_unit, coordinator',
      ),
    );
    await expect(
      addOrganisation(context, { name: 'X', kind: 'ngo', boroughs: ['E09000034'] }),
    ).rejects.toThrow(/"E09000034" is not a London borough/);
    await expect(
      addContact(context, {
        organisationId: '00000000-0000-4000-8000-000000000000',
        email: 'a@b.example',
      }),
    ).rejects.toThrow(/unknown organisation/);
    await expect(
      issueKey(context, {
        organisationId: '00000000-0000-4000-8000-000000000000',
        roles: ['admin'],
      }),
    ).rejects.toThrow(/unknown organisation/);
    await expect(issueKey(context, { organisationId: 'nope', roles: ['admin'] })).rejects.toThrow(
      /is not a UUID/,
    );
  });

  it('seeds the demo London directory idempotently, with fresh keys in a private file each time', async () => {
    const keysFile = join(workDir, 'keys', 'demo-keys.json');
    const orgsBefore = await count(`"${notificationSchema.schema}".organisation`);

    const first = await seedDemo(context, { keysFile });
    expect(first.organisations).toEqual({ created: 108, existing: 0 });
    const firstKeys = JSON.parse(await readFile(keysFile, 'utf8')) as DemoKeysFile;
    expect((await stat(keysFile)).mode & 0o777).toBe(0o600);

    const second = await seedDemo(context, { keysFile });
    expect(second.organisations).toEqual({ created: 0, existing: 108 });
    expect(second.contacts).toEqual({ created: 0, existing: 108 });
    expect(second.revokedKeys).toBe(5);
    expect(await count(`"${notificationSchema.schema}".organisation`)).toBe(
      orgsBefore + 33 * 3 + 8 + 1,
    );
    expect(
      await count(
        `"${notificationSchema.schema}".contact WHERE address LIKE '%@demo.harbour.localhost'`,
      ),
    ).toBe(108);
    const demoIds = demoDirectory().map((o) => o.id);
    const inIdentity = await db.query(
      `SELECT id FROM "${identitySchema.schema}".organisation WHERE id = ANY($1::uuid[])`,
      [demoIds],
    );
    expect(inIdentity.rowCount).toBe(108);

    const secondKeys = JSON.parse(await readFile(keysFile, 'utf8')) as DemoKeysFile;
    expect(secondKeys.keys.camdenPoliceSubmit.organisationId).toBe(
      demoOrganisationId('E09000007', 'police_borough'),
    );
    expect(
      await context.identity.authenticate(secondKeys.keys.camdenPoliceSubmit.key),
    ).toMatchObject({
      organisationKind: 'police_borough',
      roles: ['submit'],
      boroughs: ['E09000007'],
    });
    expect(
      await context.identity.authenticate(secondKeys.keys.camdenCouncilSubmit.key),
    ).toMatchObject({
      organisationKind: 'local_authority',
      roles: ['submit'],
      boroughs: ['E09000007'],
    });
    expect(await context.identity.authenticate(secondKeys.keys.ukviSubmit.key)).toMatchObject({
      organisationKind: 'immigration',
      roles: ['submit'],
      boroughs: ['pan_london'],
    });
    expect(await context.identity.authenticate(secondKeys.keys.coordinatorAdmin.key)).toMatchObject(
      {
        organisationKind: 'coordinator',
        roles: ['admin'],
      },
    );
    // The first run's keys were replaced, not left working somewhere nobody knows.
    expect(await context.identity.authenticate(firstKeys.keys.camdenPoliceSubmit.key)).toBeNull();
    expect(await context.identity.authenticate(firstKeys.keys.camdenCouncilSubmit.key)).toBeNull();
    expect(await context.identity.authenticate(firstKeys.keys.ukviSubmit.key)).toBeNull();
    expect(
      await context.identity.authenticate(secondKeys.keys.mensSafeHouseSubmit.key),
    ).toMatchObject({ organisationKind: 'housing_provider', roles: ['submit'] });
  });
});
