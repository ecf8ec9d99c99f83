import type { INestApplication } from '@nestjs/common';
import {
  createLogger,
  generateDataEncryptionKey,
  IdentityStore,
  createIdentityDataSource,
  FieldCipher,
  PeopleStore,
  runMigrationsLocked,
} from '@harbour/platform';
import { freePort, SmtpInbox, testDatabaseUrl, testSmtpUrl, uniqueName } from '@harbour/testing';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createConsoleApp } from '../bootstrap';
import { loadConsoleConfig } from '../config';

jest.setTimeout(60_000);

/**
 * Passwordless sign-in through the console's real HTTP surface: the e-mailed link (real SMTP),
 * the button page, the cookie, the session, sign-out. Real Postgres; a throw-away identity schema.
 */
describe('console sign-in', () => {
  const schema = uniqueName('console_identity');
  const key = generateDataEncryptionKey();
  const inbox = new SmtpInbox();
  const webDir = mkdtempSync(join(tmpdir(), 'console-web-'));
  let dataSource: DataSource;
  let identity: IdentityStore;
  let people: PeopleStore;
  let app: INestApplication;
  let baseUrl: string;
  let email: string;
  let organisationId: string;

  beforeAll(async () => {
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(webDir, 'assets', 'app-1.js'), 'console.log(1)');
    dataSource = createIdentityDataSource(testDatabaseUrl(), schema);
    await runMigrationsLocked(dataSource, `harbour:${schema}`);
    identity = new IdentityStore(dataSource);
    people = new PeopleStore(dataSource, FieldCipher.fromBase64Key(key));
    const organisation = await identity.createOrganisation({
      name: 'Camden council',
      kind: 'local_authority',
      boroughs: ['E09000007'],
    });
    organisationId = organisation.id;
    email = `${schema.replace(/_/g, '-')}@camden.example`;
    await people.addPerson({ organisationId, email, roles: ['respond', 'read'] });

    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const config = loadConsoleConfig({
      DATABASE_URL: testDatabaseUrl(),
      SMTP_URL: testSmtpUrl(),
      IDENTITY_DATA_KEY: key,
      CONSOLE_PUBLIC_URL: baseUrl,
      CONSOLE_WEB_DIR: webDir,
      LOG_LEVEL: 'silent',
    });
    app = await createConsoleApp(config, {
      logger: createLogger({
        service: 'console-test',
        level: process.env.CONSOLE_TEST_LOG ?? 'silent',
      }),
      identitySchema: schema,
    });
    await app.listen(port, '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
    rmSync(webDir, { recursive: true, force: true });
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-harbour-console': '1', ...headers },
      body: JSON.stringify(body),
      redirect: 'manual',
    });

  /** Someone else of the same organisation: each person may have five links per 15 minutes. */
  async function anotherPerson(): Promise<void> {
    email = `${uniqueName('ana').replace(/_/g, '-')}@camden.example`;
    await people.addPerson({ organisationId, email, roles: ['respond', 'read'] });
  }

  async function linkFromMail(): Promise<string> {
    const before = new Set((await inbox.messagesTo(email)).map((m) => m.id));
    expect((await post('/auth/link', { email: email.toUpperCase() })).status).toBe(202);
    const message = await inbox.waitFor(
      (m) => !before.has(m.id) && m.to.some((t) => t.address.toLowerCase() === email.toLowerCase()),
      { description: 'the sign-in e-mail' },
    );
    const url = /http:\/\/\S+\/auth\/callback\?token=hbl_[A-Za-z0-9_-]{43}/.exec(
      message.text ?? '',
    );
    if (url === null) throw new Error('no link in the e-mail');
    return url[0];
  }

  async function signIn(link: string, origin = baseUrl): Promise<Response> {
    const token = new URL(link).searchParams.get('token')!;
    return fetch(`${baseUrl}/auth/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
    });
  }

  const cookieOf = (response: Response): string => {
    const set = response.headers.get('set-cookie') ?? '';
    expect(set).toMatch(
      /^harbour_session=hbs_[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Expires=/,
    );
    return set.split(';')[0]!;
  };

  it('answers the same for an unknown address, and refuses a request without the console header', async () => {
    const unknown = await post('/auth/link', { email: 'nobody@nowhere.example' });
    const known = await post('/auth/link', { email });
    expect(unknown.status).toBe(202);
    expect(await unknown.json()).toEqual(await known.json());
    expect((await post('/auth/link', { email }, { 'x-harbour-console': '0' })).status).toBe(403);
    expect((await post('/auth/link', { email: 42 })).status).toBe(400);
  });

  it('signs in from the e-mailed link by POST only, once, and only from the console’s own page', async () => {
    const link = await linkFromMail();
    // GET shows a button and spends nothing (mail scanners fetch links).
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
    expect(await page.text()).toContain('<form method="post" action="/auth/callback">');
    expect((await fetch(link)).status).toBe(200);

    expect((await signIn(link, 'https://evil.example')).status).toBe(400);
    const response = await signIn(link);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const cookie = cookieOf(response);
    expect((await signIn(link)).status).toBe(400);

    const session = await fetch(`${baseUrl}/auth/session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({
      person: { roles: ['respond', 'read'] },
      organisation: { id: organisationId, kind: 'local_authority', name: 'Camden council' },
    });
    // The cookie's token is a bearer credential of the organisation for the services.
    const principal = await identity.authenticate(cookie.split('=')[1]!);
    expect(principal).toMatchObject({ organisationId, roles: ['respond', 'read'] });
  });

  it('signs out one session without the header refused, and everywhere', async () => {
    await anotherPerson();
    const first = cookieOf(await signIn(await linkFromMail()));
    const second = cookieOf(await signIn(await linkFromMail()));
    expect(
      (await post('/auth/sign-out', {}, { cookie: first, 'x-harbour-console': '' })).status,
    ).toBe(403);
    const out = await post('/auth/sign-out', {}, { cookie: first });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('harbour_session=;');
    expect((await fetch(`${baseUrl}/auth/session`, { headers: { cookie: first } })).status).toBe(
      401,
    );
    expect((await fetch(`${baseUrl}/auth/session`, { headers: { cookie: second } })).status).toBe(
      200,
    );

    const third = cookieOf(await signIn(await linkFromMail()));
    expect((await post('/auth/sign-out-everywhere', {}, { cookie: third })).status).toBe(204);
    for (const cookie of [second, third]) {
      expect((await fetch(`${baseUrl}/auth/session`, { headers: { cookie } })).status).toBe(401);
    }
  });

  it('serves the app with a strict policy, and refuses the API without a session or the header', async () => {
    await anotherPerson();
    const page = await fetch(`${baseUrl}/inbox`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    const asset = await fetch(`${baseUrl}/assets/app-1.js`);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${baseUrl}/api/notification/v1/alerts`)).status).toBe(401);
    expect((await fetch(`${baseUrl}/api/elsewhere/v1/x`)).status).toBe(404);
    // A way out of /v1 in any spelling is no API (fetch itself would resolve a literal `..`).
    for (const escape of ['%2e%2e', '%2E%2e', '.%2e']) {
      const response = await fetch(`${baseUrl}/api/notification/v1/${escape}/health`);
      expect(response.status).toBe(404);
    }
    const cookie = cookieOf(await signIn(await linkFromMail()));
    const unsafe = await fetch(`${baseUrl}/api/notification/v1/alerts/x/acknowledgements`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unsafe.status).toBe(403);
    // An API key in the cookie is not a session: the console forwards sessions only.
    const apiKey = await identity.issueApiKey({ organisationId, roles: ['read'], label: 'x' });
    expect(
      (
        await fetch(`${baseUrl}/auth/session`, {
          headers: { cookie: `harbour_session=${apiKey.key}` },
        })
      ).status,
    ).toBe(401);
  });
});
