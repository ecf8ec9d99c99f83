import {
  dataKeyId,
  generateDataEncryptionKey,
  type IdentityDataKeySettings,
  type Logger,
} from '@harbour/platform';
import { createTestSchema, testDatabaseUrl, type TestSchema, uniqueName } from '@harbour/testing';
import { Client } from 'pg';
import { type CliContext, openCliContext } from './cli-context';
import { addOrganisation } from './organisation-commands';
import { addPerson, listPeople, reencryptPeople, removePerson } from './person-commands';
import { compileCli } from './test-support/compiled-cli';

jest.setTimeout(120_000);

const silent: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  child: () => silent,
};

const prefixOf = (key: string) => `v2.${dataKeyId(Buffer.from(key, 'base64'))}.`;

/**
 * `harbour person reencrypt` after a rotation of IDENTITY_DATA_KEY from A to B: people added
 * under A are found and removed by address throughout, one pass moves every address to B
 * (in batches, compare-and-set), a second pass has nothing to do, and without A everything reads.
 */
describe('harbour person reencrypt', () => {
  const a = generateDataEncryptionKey();
  const b = generateDataEncryptionKey();
  let notificationSchema: TestSchema;
  let identitySchema: TestSchema;
  let db: Client;
  const opened: CliContext[] = [];

  beforeAll(async () => {
    notificationSchema = await createTestSchema('notification_person_reencrypt');
    identitySchema = await createTestSchema('identity_person_reencrypt');
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });

  afterAll(async () => {
    for (const context of opened) await context.close();
    await db.end();
    await notificationSchema.drop();
    await identitySchema.drop();
  });

  const contextWith = async (identityDataKeys: IdentityDataKeySettings) => {
    const context = await openCliContext({
      databaseUrl: testDatabaseUrl(),
      notificationSchema: notificationSchema.schema,
      identitySchema: identitySchema.schema,
      identityDataKeys,
    });
    opened.push(context);
    return context;
  };

  const tokens = async (): Promise<string[]> =>
    (
      await db.query<{ token: string }>(
        `SELECT email_encrypted AS token FROM "${identitySchema.schema}".person`,
      )
    ).rows.map((row) => row.token);

  it('moves every address from A to B in one pass, people found by address throughout', async () => {
    const beforeRotation = await contextWith({ IDENTITY_DATA_KEY: a });
    const { organisation } = await addOrganisation(beforeRotation, {
      name: 'Hackney council',
      kind: 'local_authority',
      boroughs: ['E09000012'],
    });
    const emails = Array.from(
      { length: 5 },
      () => `${uniqueName('ana').replace(/_/g, '-')}@hackney.example`,
    );
    for (const email of emails) {
      await addPerson(beforeRotation, { organisationId: organisation.id, email, roles: ['read'] });
    }
    expect((await tokens()).every((token) => token.startsWith(prefixOf(a)))).toBe(true);

    const during = await contextWith({
      IDENTITY_DATA_KEY: b,
      IDENTITY_DATA_RETIRED_KEYS: [a],
      IDENTITY_DATA_INDEX_KEY: a,
    });
    // Found by address (blind index pinned to A) and readable (A still decrypts) before the job.
    const removed = await removePerson(during, emails[4]!.toUpperCase());
    const progress: string[] = [];
    const report = await reencryptPeople(during, silent, (line) => progress.push(line), {
      batchSize: 2,
    });
    expect(report).toMatchObject({
      currentKeyId: dataKeyId(Buffer.from(b, 'base64')),
      unregistered: [],
      complete: true,
      columns: [
        {
          table: 'person',
          column: 'email_encrypted',
          total: 5,
          reencrypted: 5,
          changedMeanwhile: 0,
          undecryptable: 0,
          remaining: 0,
        },
      ],
    });
    expect(progress).toEqual([
      'person.email_encrypted: re-encrypting column (done 0, total 5)',
      'person.email_encrypted: column re-encrypted (done 5, total 5)',
    ]);
    expect((await tokens()).every((token) => token.startsWith(prefixOf(b)))).toBe(true);
    // Run again (an interrupted run resumes the same way): nothing left to do.
    const again = await reencryptPeople(during, silent, (line) => progress.push(line));
    expect(again.complete).toBe(true);
    expect(again.columns[0]).toMatchObject({ total: 0, reencrypted: 0, remaining: 0 });

    // A removed: listed, found and removed by address with B and the pinned index key alone.
    const after = await contextWith({ IDENTITY_DATA_KEY: b, IDENTITY_DATA_INDEX_KEY: a });
    const listed = await listPeople(after, organisation.id);
    expect(listed.map((p) => p.email).sort()).toEqual([...emails].sort());
    expect(listed.find((p) => p.id === removed)?.disabledAt).toBeInstanceOf(Date);
    expect(await removePerson(after, emails[0]!)).toBe(
      listed.find((p) => p.email === emails[0])?.id,
    );
  });

  it('refuses to run without the identity key, or with retired keys but no index key (before connecting)', async () => {
    const keyless = await openCliContext({
      databaseUrl: testDatabaseUrl(),
      notificationSchema: notificationSchema.schema,
      identitySchema: identitySchema.schema,
    });
    opened.push(keyless);
    await expect(reencryptPeople(keyless, silent, () => undefined)).rejects.toThrow(
      'set IDENTITY_DATA_KEY',
    );
    await expect(
      openCliContext({
        databaseUrl: 'postgres://nobody@127.0.0.1:1/none',
        notificationSchema: 'none',
        identityDataKeys: { IDENTITY_DATA_KEY: b, IDENTITY_DATA_RETIRED_KEYS: [a] },
      }),
    ).rejects.toThrow(
      'IDENTITY_DATA_INDEX_KEY: is required while IDENTITY_DATA_RETIRED_KEYS is set',
    );
  });

  it('runs as an operator would: progress and counts printed, exit 0 when complete; refuses a bad configuration', async () => {
    // The command line always uses the shared identity schema, so it gets a database of its own.
    const database = uniqueName('harbour_cli_rotation');
    await db.query(`CREATE DATABASE "${database}"`);
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${database}`;
    const cli = compileCli();
    try {
      const env = { ...process.env, DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' };
      const underA = { ...env, IDENTITY_DATA_KEY: a };
      const org = await cli.run(
        [
          'org',
          'add',
          '--name',
          'Hackney council',
          '--kind',
          'local_authority',
          '--borough',
          'E09000012',
        ],
        underA,
      );
      expect(org.code).toBe(0);
      const email = 'ana@hackney.example';
      const added = await cli.run(
        ['person', 'add', '--org', org.stdout.trim(), '--email', email, '--role', 'read'],
        underA,
      );
      expect(added.code).toBe(0);

      const refused = await cli.run(['person', 'reencrypt'], {
        ...env,
        IDENTITY_DATA_KEY: b,
        IDENTITY_DATA_RETIRED_KEYS: a,
      });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(
        'IDENTITY_DATA_INDEX_KEY: is required while IDENTITY_DATA_RETIRED_KEYS is set',
      );
      expect(refused.stderr + refused.stdout).not.toContain(a);

      const rotation = {
        ...env,
        IDENTITY_DATA_KEY: b,
        IDENTITY_DATA_RETIRED_KEYS: a,
        IDENTITY_DATA_INDEX_KEY: a,
      };
      const run = await cli.run(['person', 'reencrypt'], rotation);
      expect({ code: run.code, stderr: run.stderr }).toEqual({
        code: 0,
        stderr:
          'person.email_encrypted: re-encrypting column (done 0, total 1)\n' +
          'person.email_encrypted: column re-encrypted (done 1, total 1)\n',
      });
      expect(run.stdout).toMatch(
        /^COLUMN\s+PENDING\s+RE-ENCRYPTED\s+CHANGED MEANWHILE\s+UNDECRYPTABLE\s+REMAINING\nperson\.email_encrypted\s+1\s+1\s+0\s+0\s+0\n/,
      );
      expect(run.stdout).toContain(
        `complete: every identity field is under key ${dataKeyId(Buffer.from(b, 'base64'))}; IDENTITY_DATA_RETIRED_KEYS may now be removed`,
      );
      expect(run.stdout + run.stderr).not.toContain(email);

      const listed = await cli.run(['person', 'list', '--json'], {
        ...env,
        IDENTITY_DATA_KEY: b,
        IDENTITY_DATA_INDEX_KEY: a,
      });
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toMatchObject([{ email }]);
    } finally {
      cli.remove();
      await db.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    }
  }, 240_000);
});
