import type { INestApplication } from '@nestjs/common';
import {
  ConfigError,
  createIdentityDataSource,
  dataKeyId,
  generateDataEncryptionKey,
  identityCipherOf,
  type IdentityDataKeySettings,
  IdentityStore,
  type Logger,
  PeopleStore,
  runMigrationsLocked,
} from '@harbour/platform';
import {
  expectEventually,
  freePort,
  SmtpInbox,
  testDatabaseUrl,
  testSmtpUrl,
  uniqueName,
} from '@harbour/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createConsoleApp } from './bootstrap';
import { loadConsoleConfig } from './config';

jest.setTimeout(120_000);

/** Keeps the console's log lines (message and fields), so the test can wait for the job. */
class RecordingLogger implements Logger {
  readonly lines: { message: string; fields: Record<string, unknown> }[] = [];
  private record() {
    return (fields: object | string, message?: unknown) => {
      this.lines.push(
        typeof fields === 'string'
          ? { message: fields, fields: {} }
          : {
              message: typeof message === 'string' ? message : '',
              fields: fields as Record<string, unknown>,
            },
      );
    };
  }
  info = this.record();
  warn = this.record();
  error = this.record();
  debug = this.record();
  child(): Logger {
    return this;
  }
}

const COMPLETE =
  'data re-encryption complete: every field is under the current key; the retired keys may now be removed';

/**
 * A rotation of IDENTITY_DATA_KEY through the console's real runtime and HTTP surface: people
 * added under key A; the console restarted with B current and A retired (the index key pinned
 * to A) re-encrypts every address under B in the background while they keep signing in by their
 * e-mailed link; restarted without A, everyone still signs in and reads back.
 */
describe('console: rotating IDENTITY_DATA_KEY', () => {
  const schema = uniqueName('console_identity_rotation');
  const a = generateDataEncryptionKey();
  const b = generateDataEncryptionKey();
  const inbox = new SmtpInbox();
  const webDir = mkdtempSync(join(tmpdir(), 'console-web-'));
  let dataSource: DataSource;
  let organisationId: string;
  /** Apps still running if an assertion failed half-way: closed after the test. */
  const running = new Set<INestApplication>();

  beforeAll(async () => {
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>console</title>');
    dataSource = createIdentityDataSource(testDatabaseUrl(), schema);
    await runMigrationsLocked(dataSource, `harbour:${schema}`);
    organisationId = (
      await new IdentityStore(dataSource).createOrganisation({
        name: 'Camden council',
        kind: 'local_authority',
        boroughs: ['E09000007'],
      })
    ).id;
  });

  afterAll(async () => {
    for (const app of running) await app.close();
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
    rmSync(webDir, { recursive: true, force: true });
  });

  const newEmail = () => `${uniqueName('ana').replace(/_/g, '-')}@camden.example`;

  /** The people store as `harbour person add` opens it with these keys. */
  const peopleWith = (keys: IdentityDataKeySettings) =>
    new PeopleStore(dataSource, identityCipherOf(keys)!);

  const tokens = async (): Promise<string[]> =>
    (
      await dataSource.query<{ token: string }[]>(
        `SELECT email_encrypted AS token FROM "${schema}".person ORDER BY id`,
      )
    ).map((row) => row.token);

  async function startConsole(keys: Record<string, string>, logger: Logger) {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const config = loadConsoleConfig({
      DATABASE_URL: testDatabaseUrl(),
      SMTP_URL: testSmtpUrl(),
      CONSOLE_PUBLIC_URL: baseUrl,
      CONSOLE_WEB_DIR: webDir,
      LOG_LEVEL: 'silent',
      ...keys,
    });
    const app = await createConsoleApp(config, { logger, identitySchema: schema });
    running.add(app);
    await app.listen(port, '127.0.0.1');
    return {
      baseUrl,
      close: async () => {
        running.delete(app);
        await app.close();
      },
    };
  }

  /** Signs in as an operator would: the e-mailed link, then the button's POST; the session. */
  async function signIn(baseUrl: string, email: string): Promise<unknown> {
    const before = new Set((await inbox.messagesTo(email)).map((m) => m.id));
    const asked = await fetch(`${baseUrl}/auth/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-harbour-console': '1' },
      body: JSON.stringify({ email }),
    });
    expect(asked.status).toBe(202);
    const message = await inbox.waitFor(
      (m) => !before.has(m.id) && m.to.some((t) => t.address.toLowerCase() === email),
      { description: 'the sign-in e-mail' },
    );
    const token = /token=(hbl_[A-Za-z0-9_-]{43})/.exec(message.text ?? '')?.[1];
    if (token === undefined) throw new Error('no link in the e-mail');
    const spent = await fetch(`${baseUrl}/auth/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl },
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
    });
    expect(spent.status).toBe(303);
    const cookie = (spent.headers.get('set-cookie') ?? '').split(';')[0]!;
    const session = await fetch(`${baseUrl}/auth/session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    return session.json();
  }

  it('refuses to start with retired identity keys but no index key, naming the variable', () => {
    const start = () =>
      loadConsoleConfig({
        DATABASE_URL: testDatabaseUrl(),
        IDENTITY_DATA_KEY: b,
        IDENTITY_DATA_RETIRED_KEYS: a,
      });
    expect(start).toThrow(ConfigError);
    expect(start).toThrow(
      'IDENTITY_DATA_INDEX_KEY: is required while IDENTITY_DATA_RETIRED_KEYS is set',
    );
    let message = '';
    try {
      start();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain(a);
    expect(message).not.toContain(b);
    expect(() =>
      loadConsoleConfig({
        DATABASE_URL: testDatabaseUrl(),
        IDENTITY_DATA_KEY: b,
        IDENTITY_DATA_RETIRED_KEYS: `${a},not-a-key`,
        IDENTITY_DATA_INDEX_KEY: a,
      }),
    ).toThrow('IDENTITY_DATA_RETIRED_KEYS: entry 2 of 2 is not base64 of exactly 32 bytes');
  });

  it('keeps everyone signing in from key A to key B, rewrites every address under B, and then A can go', async () => {
    // 1. People added under A, as `harbour person add` did before the rotation (5 of them).
    const underA = peopleWith({ IDENTITY_DATA_KEY: a });
    const emails = Array.from({ length: 5 }, newEmail);
    for (const email of emails) {
      await underA.addPerson({ organisationId, email, roles: ['respond', 'read'] });
    }
    const prefixOf = (key: string) => `v2.${dataKeyId(Buffer.from(key, 'base64'))}.`;
    expect((await tokens()).every((token) => token.startsWith(prefixOf(a)))).toBe(true);

    // 2. B current, A retired, the blind index pinned to A: still found before any rewrite.
    const rotation = {
      IDENTITY_DATA_KEY: b,
      IDENTITY_DATA_RETIRED_KEYS: a,
      IDENTITY_DATA_INDEX_KEY: a,
    };
    const during = peopleWith({ ...rotation, IDENTITY_DATA_RETIRED_KEYS: [a] });
    expect((await during.findByEmail(emails[0]!))?.email).toBe(emails[0]);
    // Someone added during the rotation is written under B at once.
    const addedDuring = newEmail();
    await during.addPerson({ organisationId, email: addedDuring, roles: ['read'] });
    emails.push(addedDuring);

    const logger = new RecordingLogger();
    const duringApp = await startConsole(rotation, logger);
    expect(await signIn(duringApp.baseUrl, emails[1]!)).toMatchObject({
      organisation: { id: organisationId },
    });
    await expectEventually(
      () => {
        expect(logger.lines.map((line) => line.message)).toContain(COMPLETE);
      },
      { timeoutMs: 60_000, description: 'the identity re-encryption to report completion' },
    );
    expect(
      logger.lines.find((line) => line.message === 'data keys loaded (ids only)')?.fields,
    ).toEqual({
      dataKeys: {
        current: dataKeyId(Buffer.from(b, 'base64')),
        retired: [dataKeyId(Buffer.from(a, 'base64'))],
        blindIndex: dataKeyId(Buffer.from(a, 'base64')),
      },
    });
    const done = logger.lines.filter((line) => line.message === 'column re-encrypted');
    expect(done.map((line) => line.fields)).toEqual([
      { table: 'person', column: 'email_encrypted', done: 5, total: 5 },
    ]);
    // Signing in during the rotation still works once every row moved.
    expect(await signIn(duringApp.baseUrl, emails[2]!)).toMatchObject({
      organisation: { id: organisationId },
    });
    await duringApp.close();
    const rotated = await tokens();
    expect(rotated).toHaveLength(6);
    expect(rotated.every((token) => token.startsWith(prefixOf(b)))).toBe(true);
    // The log carries ids and counts, never an address.
    for (const email of emails) expect(JSON.stringify(logger.lines)).not.toContain(email);

    // 3. A removed: B and the pinned index key only. Everyone is found, listed and signs in.
    const after = { IDENTITY_DATA_KEY: b, IDENTITY_DATA_INDEX_KEY: a };
    const withoutA = peopleWith(after);
    expect((await withoutA.listPeople(organisationId)).map((p) => p.email).sort()).toEqual(
      [...emails].sort(),
    );
    const restarted = await startConsole(after, new RecordingLogger());
    try {
      for (const email of [emails[0]!, emails[3]!, addedDuring]) {
        expect(await signIn(restarted.baseUrl, email)).toMatchObject({
          organisation: { id: organisationId },
        });
      }
    } finally {
      await restarted.close();
    }
    // Without the pinned index key the same addresses would not be found: it must stay.
    expect(await peopleWith({ IDENTITY_DATA_KEY: b }).findByEmail(emails[0]!)).toBeNull();
  });
});
