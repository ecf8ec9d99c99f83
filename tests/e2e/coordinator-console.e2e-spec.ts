import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { topics } from '@harbour/contracts';
import { createEvent, createKafka, toKafkaMessage } from '@harbour/messaging';
import { createLogger } from '@harbour/platform';
import type { Browser, Page } from 'playwright-core';
import { Client } from 'pg';
import { expectEventually, SmtpInbox, testDatabaseUrl } from '@harbour/testing';
import {
  callApi as callStackApi,
  endConsoleStory,
  idOf,
  images,
  keyOf,
  launchChromium,
  LONDON_TIME,
  seriousViolations,
  sidewaysOverflow,
  signIn as signInAs,
} from '../support/console-browser';
import { HarbourStack } from '../support/harbour-stack';
import { expectConsoleStoryLeftNothing } from '../support/leak-scan';
import { PersonalDataMarkers } from '../support/personal-data-markers';

/**
 * The coordinator's desk in a real browser (Debian's Chromium, driven by playwright-core), in
 * front of the four services as real processes: beds across London with a provider's stale
 * figures said in words, the bed requests nobody has taken (no names), a dead letter replayed
 * after a confirm step and found in the audit log, whose entries the page checks against their
 * hashes. axe-core checks each view, each reads on a phone; screenshots go to docs/images/.
 */
jest.setTimeout(300_000);

const CAMDEN = 'E09000007';
const CROYDON = 'E09000008';
const HACKNEY = 'E09000012';
const GIVEN_NAME = 'Drita';
const FAMILY_NAME = 'Deskcase';
const REFERRAL_TOPIC = topics.referral;

describe('the coordinator’s desk in Chromium', () => {
  const stack = new HarbourStack();
  const inbox = new SmtpInbox();
  const address = (who: string) => `${who}-${stack.run}@e2e.harbour.localhost`.replace(/_/g, '-');
  const coordinatorPerson = address('desk-coordinator');
  let browser: Browser;
  let page: Page;
  let coordinatorAdminKey = '';
  let providerKey = '';
  let policeKey = '';
  const property = { fresh: '', stale: '' };
  const request = { open: '', unmatched: '' };

  beforeAll(async () => {
    browser = await launchChromium();
    const police = idOf(
      stack.cli(
        'org',
        'add',
        '--name',
        'Camden police desk e2e',
        '--kind',
        'police_borough',
        '--borough',
        CAMDEN,
      ),
    );
    policeKey = keyOf(stack.cli('key', 'issue', '--org', police, '--role', 'submit'));
    const hub = idOf(
      stack.cli(
        'org',
        'add',
        '--name',
        'London desk e2e',
        '--kind',
        'coordinator',
        '--borough',
        'pan_london',
      ),
    );
    stack.cli(
      'person',
      'add',
      '--org',
      hub,
      '--email',
      coordinatorPerson,
      '--role',
      'read',
      '--role',
      'admin',
    );
    coordinatorAdminKey = keyOf(stack.cli('key', 'issue', '--org', hub, '--role', 'admin'));
    const provider = idOf(
      stack.cli(
        'org',
        'add',
        '--name',
        'Hackney refuge desk e2e',
        '--kind',
        'housing_provider',
        '--borough',
        HACKNEY,
      ),
    );
    stack.cli('contact', 'add', '--org', provider, '--email', address('hackney-refuge'));
    providerKey = keyOf(stack.cli('key', 'issue', '--org', provider, '--role', 'submit'));
    await stack.start();
    await stack.startConsole();
    page = await (await browser.newContext({ viewport: { width: 1200, height: 1000 } })).newPage();
    await signIn(page, coordinatorPerson);
  });

  afterAll(async () => {
    await endConsoleStory(browser, stack);
  });

  const signIn = (on: Page, email: string) => signInAs(on, stack, inbox, email);
  const callApi = (
    service: 'intake' | 'accommodation' | 'notification',
    method: string,
    path: string,
    key: string,
    body?: unknown,
  ) => callStackApi(stack, service, method, path, key, body);

  async function openView(label: string): Promise<void> {
    await page.setViewportSize({ width: 1200, height: 1000 });
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('button', { name: label })
      .click();
  }

  async function onAPhone(): Promise<void> {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await sidewaysOverflow(page)).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
  }

  it('shows beds by gender and type across London, a provider’s out-of-date figures said in words', async () => {
    const register = async (body: Record<string, unknown>) => {
      const response = await callApi('accommodation', 'POST', '/v1/properties', providerKey, {
        postcodeDistrict: 'E8',
        ages: ['adult'],
        nrmStages: ['pre_nrm', 'recovery_period'],
        nrpfAccepted: true,
        languages: ['en', 'sq'],
        ...body,
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { propertyId: string }).propertyId;
    };
    property.fresh = await register({
      label: 'Hackney emergency house',
      borough: HACKNEY,
      genderServed: 'female',
      supportLevel: 'emergency',
      beds: 6,
      availableBeds: 3,
    });
    property.stale = await register({
      label: 'Croydon safe house',
      borough: CROYDON,
      postcodeDistrict: 'CR0',
      genderServed: 'female',
      supportLevel: 'safe_house',
      beds: 4,
      availableBeds: 2,
    });
    // As if its provider had not confirmed the Croydon beds for 30 hours.
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    await db.query(
      `UPDATE "${stack.run}_accommodation".property
          SET availability_confirmed_at = now() - interval '30 hours' WHERE id = $1`,
      [property.stale],
    );
    await db.end();

    await openView('Beds');
    await page.getByRole('heading', { name: 'Beds across London' }).waitFor();
    const totals = page.getByTestId('bed-totals');
    await totals.waitFor();
    // 5 free beds at 2 properties; the Croydon 2 are at a property with out-of-date figures.
    await expect(totals.textContent()).resolves.toMatch(
      /^5 beds free to offer now at 2 properties/,
    );
    await expect(totals.textContent()).resolves.toContain(
      '2 of the free beds are at 1 property with out-of-date figures',
    );
    const stale = page.locator(`tr[data-property-id="${property.stale}"]`);
    await expect(stale.textContent()).resolves.toContain('Out of date');
    await expect(stale.textContent()).resolves.toContain('30 hours ago');
    await expect(stale.locator('time').textContent()).resolves.toMatch(LONDON_TIME);
    const fresh = page.locator(`tr[data-property-id="${property.fresh}"]`);
    await expect(fresh.textContent()).resolves.not.toContain('Out of date');
    // Not colour alone: the provider's line says it in words.
    await expect(page.locator('.freshness li').first().textContent()).resolves.toMatch(
      /Hackney refuge desk e2e: 5 free beds at 2 properties; last confirmed .*Out of date: 1 property not confirmed since/,
    );
    await expect(page.locator('tr[data-borough]').allTextContents()).resolves.toEqual([
      expect.stringMatching(/^Croydon2001.*out of date/) as string,
      expect.stringMatching(/^Hackney3001Up to date$/) as string,
    ]);
    // No postcode district on the page.
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain('CR0');
    expect(text).not.toContain('E8');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(images, 'console-beds.png'), fullPage: true });
    await onAPhone();
  });

  it('lists the bed requests nobody has taken, oldest first, with needs and offers tried, never names', async () => {
    const submit = async (body: Record<string, unknown>) => {
      const response = await callApi('intake', 'POST', '/v1/bed-requests', policeKey, {
        accompanyingChildren: 0,
        languages: ['sq'],
        accessNeeds: [],
        supportLevel: 'emergency',
        nrmStage: 'pre_nrm',
        nrpf: true,
        urgency: { kind: 'tonight' },
        exclusionZones: { boroughs: [CAMDEN], around: [] },
        borough: CAMDEN,
        ...body,
      });
      expect([response.status, response.status === 202 ? '' : await response.text()]).toEqual([
        202,
        '',
      ]);
      return ((await response.json()) as { requestId: string }).requestId;
    };
    // A woman the Hackney house can take (an offer waits for its answer) …
    request.open = await submit({
      person: { givenName: GIVEN_NAME, familyName: FAMILY_NAME, gender: 'female', ageYears: 27 },
    });
    // … and a man nobody can: unmatched at once.
    request.unmatched = await submit({
      person: {
        givenName: GIVEN_NAME,
        familyName: `${FAMILY_NAME}son`,
        gender: 'male',
        ageYears: 33,
      },
    });
    type Waiting = { requests: { requestId: string; state: string; offers: { total: number } }[] };
    await expectEventually(
      async () => {
        const response = await callApi(
          'accommodation',
          'GET',
          '/v1/waiting-bed-requests?limit=100',
          coordinatorAdminKey,
        );
        const body = (await response.json()) as Waiting;
        const open = body.requests.find((r) => r.requestId === request.open);
        const unmatched = body.requests.find((r) => r.requestId === request.unmatched);
        if (open?.offers.total !== 1 || unmatched?.state !== 'unmatched') {
          throw new Error('matching has not finished');
        }
      },
      { timeoutMs: 90_000, intervalMs: 250, description: 'both requests matched or unmatched' },
    );

    await openView('Waiting requests');
    await page.getByRole('heading', { name: 'Bed requests waiting for a bed' }).waitFor();
    const open = page.locator(`li[data-request-id="${request.open}"]`);
    const unmatched = page.locator(`li[data-request-id="${request.unmatched}"]`);
    await open.waitFor();
    await expect(open.getByRole('heading').textContent()).resolves.toBe(
      'Still matching: female, adult, emergency support, from Camden',
    );
    await expect(open.textContent()).resolves.toMatch(
      /Offers so far1 offer: 1 awaiting an answer; last/,
    );
    await expect(open.textContent()).resolves.toMatch(/Waiting\d+ minutes?/);
    await expect(open.locator('time').first().textContent()).resolves.toMatch(LONDON_TIME);
    await expect(unmatched.getByRole('heading').textContent()).resolves.toMatch(/^Unmatched: male/);
    await expect(unmatched.textContent()).resolves.toContain('no property matched the needs');
    await expect(unmatched.textContent()).resolves.toContain('No provider asked yet');
    // Oldest first: the woman's request, submitted first, comes first.
    const order = await Promise.all(
      (await page.locator('li[data-request-id]').all()).map((li) =>
        li.getAttribute('data-request-id'),
      ),
    );
    expect(order.indexOf(request.open)).toBeLessThan(order.indexOf(request.unmatched));
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toContain(GIVEN_NAME);
    expect(text).not.toContain(FAMILY_NAME);

    // Only those matching gave up on.
    await page.getByLabel('Show').selectOption('unmatched');
    await page.locator(`li[data-request-id="${request.unmatched}"]`).waitFor();
    await expect(page.locator(`li[data-request-id="${request.open}"]`).count()).resolves.toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Show').selectOption('all');
    await open.waitFor();
    await page.screenshot({ path: join(images, 'console-waiting-requests.png'), fullPage: true });
    await onAPhone();
  });

  it('replays a dead letter after a confirm step, and the replay is in the audit log', async () => {
    // An event whose body breaks its contract: safeguarding dead-letters it.
    const eventId = randomUUID();
    const event = createEvent({
      id: eventId,
      type: 'harbour.referral.submitted',
      source: '/harbour/intake',
      subject: eventId,
      data: { referralId: eventId, person: { givenName: GIVEN_NAME }, notInTheContract: true },
    });
    const kafka = createKafka({
      brokers: (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
      clientId: `${stack.run}-poison`,
      logger: createLogger({ service: 'e2e-poison', level: 'silent' }),
      logLevel: 'nothing',
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: REFERRAL_TOPIC,
      acks: -1,
      messages: [toKafkaMessage(event, eventId)],
    });
    await producer.disconnect();

    type Letters = {
      deadLetters: { position: string; eventId: string | null; consumer: string | null }[];
    };
    const ours = async () => {
      const response = await callApi(
        'notification',
        'GET',
        `/v1/dead-letters/${REFERRAL_TOPIC}`,
        coordinatorAdminKey,
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as Letters;
      return body.deadLetters.filter(
        (d) => d.eventId === eventId && (d.consumer ?? '').startsWith(`${stack.run}_`),
      );
    };
    const [letter] = await expectEventually(
      async () => {
        const found = await ours();
        if (found.length === 0) throw new Error('not dead-lettered yet');
        return found;
      },
      {
        timeoutMs: 90_000,
        intervalMs: 500,
        description: 'the referral dead-lettered by safeguarding',
      },
    );

    await openView('Dead letters');
    await page.getByRole('heading', { name: 'Dead letters', exact: true }).waitFor();
    await page.locator(`button[data-topic="${REFERRAL_TOPIC}"]`).click();
    const item = page.locator(`li[data-position="${letter!.position}"]`);
    await item.waitFor({ timeout: 30_000 });
    await expect(item.textContent()).resolves.toContain('Event body broke its contract');
    await expect(item.textContent()).resolves.toContain(eventId);
    await expect(item.textContent()).resolves.toContain('Never');
    // The event's body (a name) is never on the page.
    await expect(page.locator('main').textContent()).resolves.not.toContain(GIVEN_NAME);
    await item.getByLabel(/^Replay harbour.referral.submitted at/).check();
    await page.getByRole('button', { name: 'Replay chosen (1)' }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.waitFor();
    await expect(confirm.textContent()).resolves.toContain(`at positions ${letter!.position}`);
    // The confirm step takes focus, so keyboard and screen-reader users meet it first.
    await expect(
      page.evaluate<boolean>("document.activeElement?.getAttribute('role') === 'alertdialog'"),
    ).resolves.toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(images, 'console-dead-letters.png'), fullPage: true });
    await confirm.getByRole('button', { name: 'Yes, replay' }).click();
    await page.getByRole('status').getByText('Replayed 1 dead letter').waitFor();

    // Back on its topic, safeguarding refuses it again: a second dead letter of the same event.
    await expectEventually(
      async () => {
        if ((await ours()).length < 2) throw new Error('not back yet');
      },
      { timeoutMs: 90_000, intervalMs: 500, description: 'the replayed event dead-lettered again' },
    );
    // The audit chain has who replayed which: this person's session.
    const session = await page.evaluate<{ person: { id: string } }>(
      `fetch('/auth/session').then((r) => r.json())`,
    );
    const audit = await callApi(
      'notification',
      'GET',
      `/v1/audit?action=dead_letter.replayed&resource=dead_letter:${REFERRAL_TOPIC}.dlq-${letter!.position.replace(':', '-')}`,
      coordinatorAdminKey,
    );
    expect(audit.status).toBe(200);
    const entries = (
      (await audit.json()) as {
        entries: { actor: Record<string, string>; details: Record<string, unknown> }[];
      }
    ).entries;
    expect(entries).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ type: 'person', personId: session.person.id }) as object,
        details: expect.objectContaining({ eventId, position: letter!.position }) as object,
      }),
    ]);
    await item.getByText(/by you/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await onAPhone();
  });

  it('reads the audit log, filtered and paged, each entry shown checked against its hash', async () => {
    await openView('Audit log');
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByLabel('Action').selectOption('dead_letter.replayed');
    await page.getByRole('button', { name: 'Show entries' }).click();
    const entry = page.locator('li.audit-entry').filter({ hasText: 'dead_letter.replayed' });
    // The view opened on the unfiltered log, which has this entry too: wait for the filtered page.
    await expectEventually(
      async () => {
        expect(await page.locator('li.audit-entry').count()).toBe(1);
        expect(await entry.count()).toBe(1);
      },
      { timeoutMs: 30_000, description: 'the log filtered to the one replay' },
    );
    await expect(entry.textContent()).resolves.toMatch(/Person [0-9a-f-]{36} \(coordinator\)/);
    await expect(entry.locator('time').textContent()).resolves.toMatch(LONDON_TIME);
    await expect(page.locator('.chain-check').textContent()).resolves.toContain(
      'Checked in your browser: each of the 1 entries shown',
    );
    await expect(entry.textContent()).resolves.toContain('Hash matches its contents');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(images, 'console-audit.png'), fullPage: true });

    // The identity store's chain: this person's sign-in and the keys issued, paged 25 at a time.
    await page.getByLabel('Service’s log').selectOption('identity');
    await page.getByLabel('Action').selectOption('');
    await page.getByRole('button', { name: 'Show entries' }).click();
    await page.getByRole('heading', { name: /^Identity:/ }).waitFor();
    await page.locator('li.audit-entry').first().waitFor();
    const firstPage = await page.locator('li.audit-entry').count();
    expect(firstPage).toBeGreaterThan(0);
    expect(firstPage).toBeLessThanOrEqual(25);
    const older = page.getByRole('button', { name: 'Older entries' });
    if (firstPage === 25 && (await older.count()) > 0) {
      await older.click();
      await expectEventually(async () => {
        if ((await page.locator('li.audit-entry').count()) <= 25)
          throw new Error('no older page yet');
      });
    }
    await expect(page.locator('.chain-check').textContent()).resolves.toMatch(
      /Checked in your browser: each of the \d+ entries shown/,
    );
    await expect(page.locator('.chain-check').textContent()).resolves.not.toContain('fail');
    const shown = (await page.locator('main').textContent()) ?? '';
    expect(shown).not.toContain(coordinatorPerson);
    expect(await seriousViolations(page)).toEqual([]);
    await onAPhone();

    // Nothing the console logged holds a person's e-mail address, a name or a token.
    const logs = stack.consoleLogs();
    for (const secret of [coordinatorPerson, GIVEN_NAME, 'hbs_', 'hbl_']) {
      expect(logs).not.toContain(secret);
    }
  });
  // Last: the stack stops (flushing its last spans) and everything it wrote is scanned, the
  // console's spans and log lines included. The dead letter's body holds the name by design; its
  // headers, and everything else, must not.
  it('leaves no person’s address, name, session or sign-in token in any log line, span or dead letter header', async () => {
    await stack.stop();
    await expectConsoleStoryLeftNothing(stack, new PersonalDataMarkers(), 'coordinator console', [
      ['coordinator’s address', coordinatorPerson],
      ['given name in the dead letter', GIVEN_NAME],
    ]);
  });
});
