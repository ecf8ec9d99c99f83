import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import {
  createIdentityDataSource,
  createLogger,
  FieldCipher,
  generateDataEncryptionKey,
  IdentityStore,
  PeopleStore,
  runMigrationsLocked,
} from '@harbour/platform';
import {
  createTestSchema,
  freePort,
  testDatabaseUrl,
  testKafkaBrokers,
  testSmtpUrl,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import Provider from 'oidc-provider';
import type { DataSource } from 'typeorm';
// The session is shown to work on a real service behind the console's proxy, in-process: only
// this test reaches into another service.
// eslint-disable-next-line @nx/enforce-module-boundaries -- a real service behind /api, test only
import { createAccommodationApp } from '../../../accommodation/src/bootstrap';
// eslint-disable-next-line @nx/enforce-module-boundaries -- a real service behind /api, test only
import { loadAccommodationConfig } from '../../../accommodation/src/config';
import { createConsoleApp } from '../bootstrap';
import { loadConsoleConfig } from '../config';

jest.setTimeout(120_000);

const CLIENT_ID = 'harbour-console';
const CLIENT_SECRET = 'a-client-secret-for-this-test-only-0123456789';

interface Account {
  email: string;
  email_verified?: boolean;
  /** Microsoft Entra ID's "the tenant owns the address's domain", sent instead of email_verified. */
  xms_edov?: boolean;
}

/**
 * A real OpenID Connect provider (`oidc-provider`, the certified Node implementation) on
 * 127.0.0.1, with its development login and consent pages: any login name signs in as the
 * account of that name. Its ID tokens are signed with its own keys, which the console fetches
 * from its published JWKS like any provider's.
 */
async function startProvider(
  accounts: ReadonlyMap<string, Account>,
  redirectUri: string,
): Promise<{ issuer: string; server: Server }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified', 'xms_edov'] },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      if (account === undefined) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...account }) };
    },
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Its own signing key, published at its jwks_uri for the console to verify ID tokens with.
    jwks: {
      keys: [
        {
          ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
            format: 'jwk',
          }),
          kid: randomBytes(8).toString('hex'),
          use: 'sig',
          alg: 'RS256',
        },
      ],
    },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
    },
  });
  const handle = provider.callback();
  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve) => {
    server.listen(port, '127.0.0.1', resolve);
  });
  return { issuer, server };
}

/** Cookies by origin, as a browser keeps them for each site (the console and the providers). */
class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  private jar(url: URL): Map<string, string> {
    let jar = this.jars.get(url.origin);
    if (jar === undefined) {
      jar = new Map();
      this.jars.set(url.origin, jar);
    }
    return jar;
  }

  cookie(url: URL, name: string): string | undefined {
    return this.jar(url).get(name);
  }

  setCookie(url: URL, name: string, value: string): void {
    this.jar(url).set(name, value);
  }

  async request(url: URL, init: RequestInit = {}): Promise<Response> {
    const jar = this.jar(url);
    const headers = new Headers(init.headers);
    if (jar.size > 0) {
      headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      const expired = attributes.some(
        (a) =>
          /^max-age=0$/i.test(a) ||
          (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.parse('2000-01-01')),
      );
      if (value === '' || expired) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }
}

describe('console sign-in through an OpenID Connect provider', () => {
  const key = generateDataEncryptionKey();
  const webDir = mkdtempSync(join(tmpdir(), 'console-web-'));
  const accounts = new Map<string, Account>();
  const logLines: string[] = [];
  const peopleAdded: string[] = [];
  let dataSource: DataSource;
  let identity: IdentityStore;
  let people: PeopleStore;
  let providerA: { issuer: string; server: Server };
  let providerB: { issuer: string; server: Server };
  let consoleApp: INestApplication;
  let accommodationApp: INestApplication;
  let accommodationSchema: TestSchema;
  let baseUrl: string;
  let callbackUrl: string;
  let providerEmail: string;
  let councilEmail: string;

  beforeAll(async () => {
    // The provider's development login pages and in-memory store say so on every start.
    // eslint-disable-next-line no-console -- only the provider's own warnings are held back
    const warn = console.warn.bind(console);
    jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider WARNING')) return;
      warn(...args);
    });
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>console</title>');

    // The shared identity store, which the real accommodation service below authenticates against.
    dataSource = createIdentityDataSource(testDatabaseUrl());
    await runMigrationsLocked(dataSource, 'harbour:identity');
    identity = new IdentityStore(dataSource);
    people = new PeopleStore(dataSource, FieldCipher.fromBase64Key(key));
    const run = uniqueName('oidc').replace(/_/g, '-');
    const housing = await identity.createOrganisation({
      name: `Harbour Homes ${run}`,
      kind: 'housing_provider',
      boroughs: ['E09000007'],
    });
    const council = await identity.createOrganisation({
      name: `Camden council ${run}`,
      kind: 'local_authority',
      boroughs: ['E09000007'],
    });
    providerEmail = `beds-${run}@homes.example`;
    councilEmail = `duty-${run}@camden.example`;
    for (const [organisationId, email] of [
      [housing.id, providerEmail],
      [council.id, councilEmail],
    ] as const) {
      const person = await people.addPerson({ organisationId, email, roles: ['read'] });
      peopleAdded.push(person.id);
    }
    accounts.set('homes', { email: providerEmail.toUpperCase(), email_verified: true });
    accounts.set('council', { email: councilEmail, email_verified: true });
    accounts.set('stranger', { email: `nobody-${run}@elsewhere.example`, email_verified: true });
    accounts.set('unverified', { email: councilEmail, email_verified: false });
    // As Entra ID signs in a work account: no email_verified, the domain owner flag instead.
    accounts.set('entra', { email: councilEmail, xms_edov: true });
    accounts.set('entra-unowned', { email: councilEmail, xms_edov: false });

    accommodationSchema = await createTestSchema('accommodation');
    accommodationApp = await createAccommodationApp(
      loadAccommodationConfig({
        ...process.env,
        DATABASE_URL: testDatabaseUrl(),
        KAFKA_BROKERS: testKafkaBrokers().join(','),
        ACCOMMODATION_DB_SCHEMA: accommodationSchema.schema,
        ACCOMMODATION_KAFKA_GROUP: uniqueName('accommodation'),
        DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
      }),
      createLogger({ service: 'accommodation-test', level: 'warn' }),
    );
    await accommodationApp.listen(0, '127.0.0.1');
    const accommodationUrl = (await accommodationApp.getUrl()).replace('[::1]', '127.0.0.1');

    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    callbackUrl = `${baseUrl}/auth/oidc/callback`;
    providerA = await startProvider(accounts, callbackUrl);
    providerB = await startProvider(accounts, callbackUrl);
    const config = loadConsoleConfig({
      DATABASE_URL: testDatabaseUrl(),
      SMTP_URL: testSmtpUrl(),
      IDENTITY_DATA_KEY: key,
      CONSOLE_PUBLIC_URL: baseUrl,
      CONSOLE_WEB_DIR: webDir,
      ACCOMMODATION_URL: accommodationUrl,
      CONSOLE_OIDC_ISSUER: providerA.issuer,
      CONSOLE_OIDC_CLIENT_ID: CLIENT_ID,
      CONSOLE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      CONSOLE_OIDC_PROVIDER_NAME: 'Harbour Test ID',
      // As an Entra ID deployment sets it: either claim vouches for the address.
      CONSOLE_OIDC_VERIFIED_EMAIL_CLAIMS: 'email_verified,xms_edov',
      LOG_LEVEL: 'info',
    });
    consoleApp = await createConsoleApp(config, {
      logger: createLogger({
        service: 'console-test',
        level: 'info',
        destination: new Writable({
          write(chunk: Buffer, _encoding, done) {
            logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
            done();
          },
        }),
      }),
    });
    await consoleApp.listen(port, '127.0.0.1');
  });

  afterAll(async () => {
    await consoleApp.close();
    await accommodationApp.close();
    await accommodationSchema.drop();
    for (const provider of [providerA, providerB]) {
      await new Promise((resolve) => provider.server.close(resolve));
    }
    for (const personId of peopleAdded) await people.removePerson(personId);
    await dataSource.destroy();
    rmSync(webDir, { recursive: true, force: true });
  });

  /** Starts sign-in at the console: the provider's authorization URL, with the cookie set. */
  async function startAtConsole(browser: Browser): Promise<URL> {
    const response = await browser.request(new URL('/auth/oidc/start', baseUrl));
    expect(response.status).toBe(303);
    return new URL(response.headers.get('location')!);
  }

  /**
   * Follows the provider's redirects by hand, filling its login form with `login` and approving
   * its consent form, until it sends the browser back to the console: that callback URL.
   */
  async function authenticateAtProvider(
    browser: Browser,
    authorization: URL,
    login: string,
  ): Promise<URL> {
    let url = authorization;
    let response = await browser.request(url);
    for (let step = 0; step < 12; step += 1) {
      if (response.status >= 300 && response.status < 400) {
        url = new URL(response.headers.get('location')!, url);
        if (url.href.startsWith(callbackUrl)) return url;
        response = await browser.request(url);
        continue;
      }
      const page = await response.text();
      expect(response.status).toBe(200);
      const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
      const prompt = /name="prompt" value="(login|consent)"/.exec(page)?.[1];
      if (action === undefined || prompt === undefined) {
        throw new Error(`unexpected provider page: ${page.slice(0, 300)}`);
      }
      const form =
        prompt === 'login'
          ? new URLSearchParams({ prompt, login, password: 'anything' })
          : new URLSearchParams({ prompt });
      url = new URL(action.replaceAll('&amp;', '&'), url);
      response = await browser.request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    }
    throw new Error('the provider never sent the browser back to the console');
  }

  /** The provider's answer, delivered to the console by the browser that started. */
  async function returnToConsole(browser: Browser, callback: URL): Promise<Response> {
    return browser.request(callback);
  }

  const sessionOf = (browser: Browser) => browser.cookie(new URL(baseUrl), 'harbour_session');

  function expectRefused(response: Response, browser: Browser): Promise<void> {
    expect(response.status).toBe(400);
    expect(response.headers.get('set-cookie') ?? '').not.toContain('harbour_session=');
    expect(sessionOf(browser)).toBeUndefined();
    return response.text().then((page) => {
      expect(page).toContain('Harbour could not sign you in with Harbour Test ID.');
    });
  }

  interface Refusal {
    msg?: string;
    outcome?: string;
    code?: string;
  }

  const refusals = (): Refusal[] =>
    logLines
      .map((line) => JSON.parse(line) as Refusal)
      .filter((entry) => entry.msg === 'OpenID Connect sign-in refused');

  /** Counted from the console's log (written before the answer), which names no address. */
  const refusalsLogged = (reason: string): number =>
    refusals().filter((entry) => entry.outcome === reason).length;

  const lastRefusal = (): Refusal => refusals().at(-1) ?? {};

  it('offers the provider on the sign-in page, beside e-mailed links', async () => {
    const methods = await fetch(`${baseUrl}/auth/methods`);
    expect(await methods.json()).toEqual({
      emailLink: true,
      provider: { name: 'Harbour Test ID', start: '/auth/oidc/start' },
    });
    const browser = new Browser();
    const authorization = await startAtConsole(browser);
    expect(authorization.origin).toBe(providerA.issuer);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorization.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(authorization.searchParams.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(authorization.searchParams.get('redirect_uri')).toBe(callbackUrl);
    expect(authorization.searchParams.get('scope')).toBe('openid email');
    // The transaction is sealed: neither its state nor its verifier can be read from it.
    const sealed = browser.cookie(new URL(baseUrl), 'harbour_oidc') ?? '';
    expect(sealed).toMatch(/^[\w-]{100,}$/);
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain(
      authorization.searchParams.get('state')!,
    );
  });

  it('signs a known person in with a verified address: a session the services accept, audited', async () => {
    const browser = new Browser();
    const callback = await authenticateAtProvider(browser, await startAtConsole(browser), 'homes');
    expect(callback.searchParams.get('iss')).toBe(providerA.issuer);
    const response = await returnToConsole(browser, callback);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    expect(response.headers.get('set-cookie')).toMatch(
      /harbour_session=hbs_[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict; Expires=/,
    );
    // The transaction is spent with the answer.
    expect(browser.cookie(new URL(baseUrl), 'harbour_oidc')).toBeUndefined();

    const cookie = `harbour_session=${sessionOf(browser)}`;
    const session = await fetch(`${baseUrl}/auth/session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    const view = (await session.json()) as { person: { id: string } };
    expect(view).toMatchObject({
      person: { roles: ['read'] },
      organisation: { kind: 'housing_provider' },
    });
    // Through the console's proxy, the real accommodation service accepts the session as a
    // principal of the housing provider: its own properties (none yet).
    const properties = await fetch(`${baseUrl}/api/accommodation/v1/properties`, {
      headers: { cookie },
    });
    expect(properties.status).toBe(200);
    expect(await properties.json()).toMatchObject({ properties: [] });

    const { entries } = await people.audit.page({
      action: 'person.signed_in',
      resourceKind: 'person',
      resourceId: view.person.id,
      limit: 10,
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor: { type: 'person', personId: view.person.id },
      reason: 'OpenID Connect sign-in',
      details: { method: 'oidc', issuer: `${providerA.issuer}/` },
    });
    // Neither the address nor any token reached the log.
    const log = logLines.join('\n');
    expect(log).not.toContain(providerEmail);
    expect(log).not.toContain(providerEmail.toUpperCase());
    expect(log).not.toContain(callback.searchParams.get('code')!);
    expect(log).not.toContain(sessionOf(browser)!);
  });

  it('lets the matrix decide as for any principal: a council officer is refused the providers’ route', async () => {
    const browser = new Browser();
    const callback = await authenticateAtProvider(
      browser,
      await startAtConsole(browser),
      'council',
    );
    expect((await returnToConsole(browser, callback)).status).toBe(303);
    const cookie = `harbour_session=${sessionOf(browser)}`;
    const properties = await fetch(`${baseUrl}/api/accommodation/v1/properties`, {
      headers: { cookie },
    });
    expect(properties.status).toBe(403);
    // Sign out everywhere ends it like any session.
    const out = await fetch(`${baseUrl}/auth/sign-out-everywhere`, {
      method: 'POST',
      headers: { cookie, 'x-harbour-console': '1' },
    });
    expect(out.status).toBe(204);
    expect((await fetch(`${baseUrl}/auth/session`, { headers: { cookie } })).status).toBe(401);
  });

  it('answers an unknown address and an unverified one with the same page, and no session', async () => {
    const stranger = new Browser();
    const strangerAnswer = await returnToConsole(
      stranger,
      await authenticateAtProvider(stranger, await startAtConsole(stranger), 'stranger'),
    );
    const strangerPage = await strangerAnswer.clone().text();
    await expectRefused(strangerAnswer, stranger);
    expect(lastRefusal().outcome).toBe('unknown');

    const unverified = new Browser();
    const before = refusalsLogged('email-unverified');
    const unverifiedAnswer = await returnToConsole(
      unverified,
      await authenticateAtProvider(unverified, await startAtConsole(unverified), 'unverified'),
    );
    expect(await unverifiedAnswer.clone().text()).toBe(strangerPage);
    await expectRefused(unverifiedAnswer, unverified);
    expect(refusalsLogged('email-unverified')).toBe(before + 1);
    expect(logLines.join('\n')).not.toContain(councilEmail);
  });

  it('takes Entra ID’s domain owner flag for a verified address when configured to, and only when true', async () => {
    const entra = new Browser();
    const answer = await returnToConsole(
      entra,
      await authenticateAtProvider(entra, await startAtConsole(entra), 'entra'),
    );
    expect(answer.status).toBe(303);
    const cookie = `harbour_session=${sessionOf(entra)}`;
    const session = await fetch(`${baseUrl}/auth/session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(await session.json()).toMatchObject({ organisation: { kind: 'local_authority' } });

    const unowned = new Browser();
    const before = refusalsLogged('email-unverified');
    await expectRefused(
      await returnToConsole(
        unowned,
        await authenticateAtProvider(unowned, await startAtConsole(unowned), 'entra-unowned'),
      ),
      unowned,
    );
    expect(refusalsLogged('email-unverified')).toBe(before + 1);
  });

  it('refuses someone removed by `harbour person remove`, whom the provider still knows', async () => {
    const { id } = await identity.createOrganisation({
      name: `Leavers ${uniqueName('org')}`,
      kind: 'ngo',
      boroughs: ['E09000007'],
    });
    const email = `${uniqueName('leaver').replace(/_/g, '-')}@ngo.example`;
    const leaver = await people.addPerson({ organisationId: id, email, roles: ['read'] });
    accounts.set('leaver', { email, email_verified: true });
    expect(await people.removePerson(leaver.id)).toBe(true);
    const browser = new Browser();
    await expectRefused(
      await returnToConsole(
        browser,
        await authenticateAtProvider(browser, await startAtConsole(browser), 'leaver'),
      ),
      browser,
    );
    expect(lastRefusal().outcome).toBe('unknown');
  });

  it('refuses an answer meant for another browser, a forged state and a replayed code', async () => {
    // Another browser's answer: this one never started, so it holds no transaction.
    const victim = new Browser();
    const attacker = new Browser();
    const attackersAnswer = await authenticateAtProvider(
      attacker,
      await startAtConsole(attacker),
      'council',
    );
    const noTransaction = refusalsLogged('no-transaction');
    await expectRefused(await returnToConsole(victim, attackersAnswer), victim);
    expect(refusalsLogged('no-transaction')).toBe(noTransaction + 1);

    // A state other than the one this browser's transaction holds.
    const browser = new Browser();
    const callback = await authenticateAtProvider(
      browser,
      await startAtConsole(browser),
      'council',
    );
    const forged = new URL(callback);
    forged.searchParams.set('state', 'x'.repeat(43));
    const rejected = refusalsLogged('response-rejected');
    await expectRefused(await returnToConsole(browser, forged), browser);
    expect(refusalsLogged('response-rejected')).toBe(rejected + 1);

    // A code used once, replayed with a copy of the transaction cookie it was answered to.
    const person = new Browser();
    const answer = await authenticateAtProvider(person, await startAtConsole(person), 'council');
    const copy = new Browser();
    copy.setCookie(
      new URL(baseUrl),
      'harbour_oidc',
      person.cookie(new URL(baseUrl), 'harbour_oidc')!,
    );
    expect((await returnToConsole(person, answer)).status).toBe(303);
    const providerErrors = refusalsLogged('provider-error');
    await expectRefused(await returnToConsole(copy, answer), copy);
    expect(refusalsLogged('provider-error')).toBe(providerErrors + 1);
    expect(lastRefusal().code).toBe('invalid_grant');
  });

  it('refuses an ID token for another nonce, and an answer from another issuer', async () => {
    // The code was issued for a request with another nonce (state intact): the ID token's
    // nonce is not this browser's.
    const browser = new Browser();
    const authorization = await startAtConsole(browser);
    authorization.searchParams.set('nonce', 'n'.repeat(43));
    const rejected = refusalsLogged('response-rejected');
    await expectRefused(
      await returnToConsole(browser, await authenticateAtProvider(browser, authorization, 'homes')),
      browser,
    );
    expect(refusalsLogged('response-rejected')).toBe(rejected + 1);
    expect(lastRefusal().code).toBe('OAUTH_JWT_CLAIM_COMPARISON_FAILED');

    // The same request sent to another real provider, which knows the same client and person:
    // its answer names itself as issuer, and its code is not the configured provider's.
    for (const keepIss of [true, false]) {
      const elsewhere = new Browser();
      const request = await startAtConsole(elsewhere);
      const other = new URL(request.pathname + request.search, providerB.issuer);
      const answer = await authenticateAtProvider(elsewhere, other, 'homes');
      expect(answer.searchParams.get('iss')).toBe(providerB.issuer);
      if (!keepIss) answer.searchParams.delete('iss');
      const count = refusalsLogged('response-rejected');
      await expectRefused(await returnToConsole(elsewhere, answer), elsewhere);
      expect(refusalsLogged('response-rejected')).toBe(count + 1);
    }
  });

  it('is not there without a provider, and the start answers 503 when the provider is down', async () => {
    const down = await freePort();
    const config = loadConsoleConfig({
      DATABASE_URL: testDatabaseUrl(),
      SMTP_URL: testSmtpUrl(),
      IDENTITY_DATA_KEY: key,
      CONSOLE_PUBLIC_URL: baseUrl,
      CONSOLE_WEB_DIR: webDir,
      CONSOLE_OIDC_ISSUER: `http://127.0.0.1:${down}`,
      CONSOLE_OIDC_CLIENT_ID: CLIENT_ID,
      CONSOLE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
      CONSOLE_EMAIL_SIGN_IN: 'false',
      LOG_LEVEL: 'silent',
    });
    const app = await createConsoleApp(config, {
      logger: createLogger({ service: 'console-test', level: 'silent' }),
    });
    await app.listen(0, '127.0.0.1');
    try {
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      expect(await (await fetch(`${url}/auth/methods`)).json()).toEqual({
        emailLink: false,
        provider: { name: 'single sign-on', start: '/auth/oidc/start' },
      });
      const start = await fetch(`${url}/auth/oidc/start`, { redirect: 'manual' });
      expect(start.status).toBe(503);
      expect(start.headers.get('set-cookie')).toBeNull();
      // E-mailed links are off: no route asks for one.
      const link = await fetch(`${url}/auth/link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-harbour-console': '1' },
        body: JSON.stringify({ email: providerEmail }),
      });
      expect(link.status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
