import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { expectEventually, SmtpInbox } from '@harbour/testing';
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
 * The partner console in a real browser (Debian's Chromium, driven by playwright-core), in front
 * of the four services as real processes: a missing-person unit signs in from the e-mailed link,
 * sees the alert for a child missing in Camden and acknowledges it with a response; the
 * coordinator signs in and sees the 33 London authorities shaded by each layer (open alerts,
 * operations, missing children, referrals) and a borough's figures and partners; a housing
 * provider sees a bed offer with the time left on its hold, accepts it and updates its beds; the
 * police planner opens its operation's alert timeline. axe-core checks each page. Screenshots go
 * to docs/images/ (shown in the README).
 */
jest.setTimeout(300_000);

const CAMDEN = 'E09000007';
const CROYDON = 'E09000008';
const RESPONSE = '2 caseworkers, Albanian interpreter, 3 female beds';
const NGO_RESPONSE = 'Two caseworkers and a Vietnamese interpreter at the rendezvous';
const root = join(__dirname, '..', '..');
const example = JSON.parse(
  readFileSync(join(root, 'docs', 'examples', 'missing-episode.json'), 'utf8'),
) as Record<string, unknown>;

/**
 * The shading the map must show for a figure, given the largest figure of the layer: none, then
 * 1, 2 to 4 and 5 or more while the largest is at most 4, else three equal steps up to it.
 */
const shadeOf = (value: number, largest: number): number => {
  if (value === 0) return 0;
  if (largest <= 4) return value === 1 ? 1 : value <= 4 ? 2 : 3;
  const step = Math.ceil(largest / 3);
  return value <= step ? 1 : value <= 2 * step ? 2 : 3;
};

describe('partner console in Chromium', () => {
  const stack = new HarbourStack();
  const inbox = new SmtpInbox();
  const address = (who: string) => `${who}-${stack.run}@e2e.harbour.localhost`.replace(/_/g, '-');
  const mpuInbox = address('mpu-camden');
  const mpuPerson = address('duty-officer');
  const coordinatorPerson = address('coordinator');
  const providerPerson = address('bed-manager');
  const plannerPerson = address('planner');
  let browser: Browser;
  let providerKey = '';
  let ngoKey = '';
  let propertyId = '';
  let policeKey = '';
  let mpuKey = '';
  let coordinatorKey = '';
  let alertId = '';

  beforeAll(async () => {
    // Fails, never skips: CI installs Chromium (.ci/run) and the console is tested in it.
    browser = await launchChromium();
    const police = idOf(
      stack.cli(
        'org',
        'add',
        '--name',
        'Camden police e2e',
        '--kind',
        'police_borough',
        '--borough',
        CAMDEN,
      ),
    );
    policeKey = keyOf(stack.cli('key', 'issue', '--org', police, '--role', 'submit'));
    const mpu = idOf(
      stack.cli(
        'org',
        'add',
        '--name',
        'Camden MPU e2e',
        '--kind',
        'missing_person_unit',
        '--borough',
        CAMDEN,
      ),
    );
    stack.cli('contact', 'add', '--org', mpu, '--email', mpuInbox);
    stack.cli(
      'person',
      'add',
      '--org',
      mpu,
      '--email',
      mpuPerson,
      '--role',
      'respond',
      '--role',
      'read',
    );
    mpuKey = keyOf(stack.cli('key', 'issue', '--org', mpu, '--role', 'read'));
    const hub = idOf(
      stack.cli(
        'org',
        'add',
        '--name',
        'London coordination hub e2e',
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
    coordinatorKey = keyOf(stack.cli('key', 'issue', '--org', hub, '--role', 'read'));
    stack.cli('person', 'add', '--org', police, '--email', plannerPerson, '--role', 'read');
    // Told of Camden's operations at nail bars (labour exploitation, Vietnamese speakers).
    const ngo = idOf(
      stack.cli(
        'org',
        'add',
        '--name',
        'Camden labour rights e2e',
        '--kind',
        'ngo',
        '--borough',
        CAMDEN,
        '--specialism',
        'labour',
        '--language',
        'vi',
        '--age-group',
        'adult',
      ),
    );
    stack.cli('contact', 'add', '--org', ngo, '--email', address('camden-labour-ngo'));
    ngoKey = keyOf(stack.cli('key', 'issue', '--org', ngo, '--role', 'respond', '--role', 'read'));
    const provider = idOf(
      stack.cli(
        'org',
        'add',
        '--name',
        'Croydon house e2e',
        '--kind',
        'housing_provider',
        '--borough',
        CROYDON,
      ),
    );
    stack.cli('contact', 'add', '--org', provider, '--email', address('croydon-house'));
    providerKey = keyOf(stack.cli('key', 'issue', '--org', provider, '--role', 'submit'));
    stack.cli(
      'person',
      'add',
      '--org',
      provider,
      '--email',
      providerPerson,
      '--role',
      'respond',
      '--role',
      'read',
    );
    await stack.start();
    await stack.startConsole();
  });

  afterAll(async () => {
    await endConsoleStory(browser, stack);
  });

  const signIn = (page: Page, email: string) => signInAs(page, stack, inbox, email);
  const callApi = (
    service: 'intake' | 'accommodation' | 'notification',
    method: string,
    path: string,
    key: string,
    body?: unknown,
  ) => callStackApi(stack, service, method, path, key, body);

  it('a missing-person unit signs in from the e-mailed link and acknowledges its alert with a response', async () => {
    const report = await fetch(`${stack.url('intake')}/v1/missing-episodes`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${policeKey}`,
        'idempotency-key': `console-${stack.run}`,
      },
      body: JSON.stringify({
        ...example,
        lastSeenAt: new Date(Date.now() - 3_600_000).toISOString(),
      }),
    });
    expect(report.status).toBe(202);
    const { episodeId } = (await report.json()) as { episodeId: string };
    alertId = await stack.ownAlert(episodeId);
    // Delivered to the unit: its inbox lists it.
    await expectEventually(
      async () => {
        const response = await fetch(`${stack.url('notification')}/v1/alerts`, {
          headers: { authorization: `Bearer ${mpuKey}` },
        });
        const listed = (await response.json()) as { alerts: { alertId: string }[] };
        if (!listed.alerts.some((a) => a.alertId === alertId)) throw new Error('not listed yet');
      },
      { timeoutMs: 90_000, intervalMs: 250, description: 'the alert in the unit’s inbox' },
    );

    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const detailRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/details')) detailRequests.push(request.method());
    });
    await signIn(page, mpuPerson);
    const item = page.locator(`li[data-alert-id="${alertId}"]`);
    await item.waitFor();
    await expect(item.getByRole('heading').textContent()).resolves.toContain('Missing child');
    await expect(page.getByText('Times are London time.').count()).resolves.toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(images, 'console-inbox.png'), fullPage: true });

    // The details are fetched on the click, never before: each showing is an audited disclosure.
    expect(detailRequests).toEqual([]);
    await expect(item.getByText('Viewing the details is recorded').count()).resolves.toBe(1);
    await item.getByRole('button', { name: /^Show details/ }).click();
    const details = item.locator('.details-body');
    await details.waitFor();
    expect(detailRequests).toEqual(['GET']);
    const api = (await (
      await callApi('notification', 'GET', `/v1/alerts/${alertId}/details`, mpuKey)
    ).json()) as {
      lines: { label: string }[];
      stages: { title: string; lines: { label: string }[] }[];
    };
    expect(api.lines.length).toBeGreaterThan(0);
    // The lines, then each released stage with its own, exactly as the API has them.
    await expect(details.locator(':scope > .lines dt').allTextContents()).resolves.toEqual(
      api.lines.map((line) => line.label),
    );
    const stages = details.locator('.stages > li');
    expect(await stages.count()).toBe(api.stages.length);
    for (const [index, stage] of api.stages.entries()) {
      await expect(stages.nth(index).locator('h4').textContent()).resolves.toContain(stage.title);
      await expect(stages.nth(index).locator('.lines dt').allTextContents()).resolves.toEqual(
        stage.lines.map((line) => line.label),
      );
    }
    await expect(details.textContent()).resolves.toContain(
      'Your viewing of these details was recorded',
    );
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(images, 'console-alert-details.png'), fullPage: true });
    await item.getByRole('button', { name: /^Hide details/ }).click();

    await item.getByLabel(/Your response/).fill(RESPONSE);
    await item.getByRole('button', { name: 'Acknowledge' }).click();
    await item.getByText(/acknowledged by you/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // The notification API shows the acknowledgement, made by this person's session.
    const acknowledgements = await fetch(
      `${stack.url('notification')}/v1/alerts/${alertId}/acknowledgements`,
      { headers: { authorization: `Bearer ${mpuKey}` } },
    );
    expect(acknowledgements.status).toBe(200);
    const view = (await acknowledgements.json()) as {
      acknowledgements: { via: string; response: string | null }[];
    };
    expect(view.acknowledgements).toEqual([
      expect.objectContaining({ via: 'api', response: RESPONSE }),
    ]);

    // On a phone the same page reads without sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await sidewaysOverflow(page)).toEqual([]);
    await page.screenshot({ path: join(images, 'console-inbox-phone.png'), fullPage: true });

    // Sign out: the session is gone, the sign-in form is back.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByLabel('Work e-mail address').waitFor();
    await context.close();
  });

  it('the coordinator sees all 33 London authorities shaded by each layer as the APIs count, and a borough’s figures and partners', async () => {
    // Known figures in this stack's own intake: an operation planned and a referral made in
    // Camden now (and, earlier in this story, a child reported missing there).
    const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
    const planned = await callApi('intake', 'POST', '/v1/operations', policeKey, {
      kind: 'warrant',
      premisesKind: 'private_household',
      address: { line1: '2 Map Mews', postcode: 'NW1 8AA' },
      borough: CAMDEN,
      plannedStart: inHours(48),
      plannedEnd: inHours(50),
      expectedPeople: { total: 2 },
      exploitationTypes: ['sexual'],
      vulnerablePeopleLikely: true,
      leadContact: { name: 'DS Map Lead', phone: '+44 20 7946 0004' },
    });
    expect([planned.status, planned.status === 202 ? '' : await planned.text()]).toEqual([202, '']);
    const referred = await callApi('intake', 'POST', '/v1/referrals', policeKey, {
      person: {
        givenName: 'Mapped',
        familyName: 'Testcase',
        dateOfBirth: '1991-02-03',
        gender: 'male',
        languages: ['ro'],
      },
      exploitationTypes: ['labour'],
      borough: CAMDEN,
      locations: [],
      indicators: ['debt bondage'],
      responder: { name: 'PC Map', phone: '+44 20 7946 0005' },
      consent: { nrm: true, shareWith: [] },
    });
    expect([referred.status, referred.status === 202 ? '' : await referred.text()]).toEqual([
      202,
      '',
    ]);

    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, coordinatorPerson);
    const areas = page.locator('g.borough[data-gss]');
    await page.getByRole('heading', { name: 'London by borough' }).waitFor();
    await page.locator('.london-map[aria-busy="false"]').waitFor();
    expect(await areas.count()).toBe(33);

    // What the APIs count over a period a little wider than the map's last 30 days (the shared
    // broker may bring other tests' alerts to this stack, so alerts are read, not assumed;
    // intake's figures are this stack's own).
    const to = new Date(Date.now() + 60_000);
    const from = new Date(to.getTime() - 30 * 24 * 3_600_000 - 120_000);
    const period = `from=${from.toISOString()}&to=${to.toISOString()}`;
    const alertCounts = (await (
      await callApi('notification', 'GET', `/v1/boroughs/alert-counts?${period}`, coordinatorKey)
    ).json()) as { boroughs: { gss: string; open: number }[] };
    const intakeCounts = (await (
      await callApi('intake', 'GET', `/v1/boroughs/counts?${period}`, coordinatorKey)
    ).json()) as {
      boroughs: { gss: string; operations: number; missingChildren: number; referrals: number }[];
    };
    const camdenIntake = intakeCounts.boroughs.find((b) => b.gss === CAMDEN);
    expect(camdenIntake).toMatchObject({ operations: 1, referrals: 1 });
    expect(intakeCounts.boroughs).toHaveLength(33);
    const layers = [
      {
        label: 'Open alerts',
        id: 'openAlerts',
        figures: alertCounts.boroughs.map((b) => [b.gss, b.open] as const),
      },
      {
        label: 'Operations',
        id: 'operations',
        figures: intakeCounts.boroughs.map((b) => [b.gss, b.operations] as const),
      },
      {
        label: 'Missing children',
        id: 'missingChildren',
        figures: intakeCounts.boroughs.map((b) => [b.gss, b.missingChildren] as const),
      },
      {
        label: 'Referrals',
        id: 'referrals',
        figures: intakeCounts.boroughs.map((b) => [b.gss, b.referrals] as const),
      },
    ];
    const shading = async () =>
      Object.fromEntries(
        await Promise.all(
          (await areas.all()).map(
            async (area) =>
              [
                (await area.getAttribute('data-gss')) ?? '',
                [
                  Number(await area.getAttribute('data-value')),
                  Number(await area.getAttribute('data-shade')),
                ],
              ] as const,
          ),
        ),
      );
    for (const layer of layers) {
      // The layer chooser is a radio group: chosen by its label.
      await page.getByRole('radio', { name: layer.label }).check();
      await page.locator(`.london-map[data-layer="${layer.id}"]`).waitFor();
      const largest = Math.max(...layer.figures.map(([, n]) => n));
      expect([layer.id, await shading()]).toEqual([
        layer.id,
        Object.fromEntries(layer.figures.map(([gss, n]) => [gss, [n, shadeOf(n, largest)]])),
      ]);
      // The key names the layer and each band's range, not colours alone.
      await expect(page.locator('.legend li').first().textContent()).resolves.toContain('None');
    }
    // Not colour alone: Camden says its figure, as text and to assistive technology.
    const camdenArea = page.locator(`g.borough[data-gss="${CAMDEN}"]`);
    await expect(camdenArea.getAttribute('aria-label')).resolves.toMatch(
      /^Camden: 1 referral \(band /,
    );
    await expect(camdenArea.locator('text').textContent()).resolves.toBe('1');
    await page.getByRole('radio', { name: 'Operations' }).check();
    await expect(camdenArea.getAttribute('aria-label')).resolves.toMatch(
      /^Camden: 1 operation \(band /,
    );

    // Keyboard: focus Camden and press Enter for its figures on every layer, and its partners.
    await camdenArea.focus();
    await page.keyboard.press('Enter');
    const panel = page.locator('.details');
    await panel.getByRole('heading', { name: 'Camden', exact: true }).waitFor();
    await panel.locator('.partners').waitFor();
    const facts = Object.fromEntries(
      await Promise.all(
        (await panel.locator('.facts > div').all()).map(
          async (fact) =>
            [
              (await fact.locator('dt').textContent()) ?? '',
              (await fact.locator('dd').textContent()) ?? '',
            ] as const,
        ),
      ),
    );
    expect(facts).toMatchObject({
      'Open alerts': String(alertCounts.boroughs.find((b) => b.gss === CAMDEN)?.open),
      Operations: '1',
      Referrals: '1',
    });
    const partners = (await panel.locator('.partners li').allTextContents()).map((p) => p.trim());
    // This stack’s partners that name Camden, and the hub that serves all London.
    for (const expected of [
      'Camden MPU e2e (missing person unit)',
      'Camden police e2e (police borough)',
      'Camden labour rights e2e (ngo)',
      'London coordination hub e2e (coordinator, all London)',
    ]) {
      expect(partners).toContain(expected);
    }
    expect(partners).not.toContain('Croydon house e2e (housing provider)');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(images, 'console-map.png'), fullPage: false });

    // Space on another borough opens it; the panel's button closes it and focus returns.
    const croydonArea = page.locator(`g.borough[data-gss="${CROYDON}"]`);
    await croydonArea.focus();
    await page.keyboard.press(' ');
    await panel.getByRole('heading', { name: 'Croydon', exact: true }).waitFor();
    await panel.getByRole('button', { name: 'Close Croydon' }).click();
    await panel.getByText('Choose an area for its figures and partners.').waitFor();
    await expect(
      page.evaluate<string | null>(`document.activeElement?.getAttribute('data-gss') ?? null`),
    ).resolves.toBe(CROYDON);

    // On a phone the map, its key and its table read without sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await sidewaysOverflow(page)).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();

    // Nothing the console logged holds a person's e-mail address or a token.
    const logs = stack.consoleLogs();
    for (const secret of [mpuPerson, coordinatorPerson, 'hbs_', 'hbl_']) {
      expect(logs).not.toContain(secret);
    }
  });
  it('a housing provider sees a bed offer with the time left on its hold, accepts it, and updates its beds', async () => {
    const registered = await callApi('accommodation', 'POST', '/v1/properties', providerKey, {
      label: 'Croydon house',
      borough: CROYDON,
      postcodeDistrict: 'CR0',
      genderServed: 'female',
      ages: ['adult'],
      supportLevel: 'emergency',
      nrmStages: ['pre_nrm', 'recovery_period'],
      nrpfAccepted: true,
      languages: ['en', 'sq'],
      beds: 4,
      availableBeds: 2,
    });
    expect(registered.status).toBe(201);
    propertyId = ((await registered.json()) as { propertyId: string }).propertyId;
    const submitted = await callApi('intake', 'POST', '/v1/bed-requests', policeKey, {
      person: { givenName: 'Elira', familyName: 'Testcase', gender: 'female', ageYears: 24 },
      accompanyingChildren: 0,
      languages: ['sq'],
      accessNeeds: [],
      supportLevel: 'emergency',
      nrmStage: 'pre_nrm',
      nrpf: true,
      urgency: { kind: 'tonight' },
      exclusionZones: { boroughs: [CAMDEN], around: [] },
      borough: CAMDEN,
    });
    expect([submitted.status, submitted.status === 202 ? '' : await submitted.text()]).toEqual([
      202,
      '',
    ]);
    const { requestId } = (await submitted.json()) as { requestId: string };
    type Offers = { offers: { offerId: string; requestId: string; state: string }[] };
    const offerOf = async () => {
      const listed = (await (
        await callApi('accommodation', 'GET', '/v1/offers', providerKey)
      ).json()) as Offers;
      return listed.offers.find((o) => o.requestId === requestId);
    };
    const offer = await expectEventually(
      async () => {
        const found = await offerOf();
        if (found === undefined) throw new Error('no offer yet');
        return found;
      },
      { timeoutMs: 90_000, intervalMs: 250, description: 'the bed offer to the Croydon house' },
    );

    const context = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, providerPerson);
    const item = page.locator(`li[data-offer-id="${offer.offerId}"]`);
    await item.waitFor();
    // The hold: its expiry in London time and the time left in words, not only a ticking clock.
    const countdown = item.locator('.countdown');
    await expect(countdown.textContent()).resolves.toMatch(LONDON_TIME);
    await expect(countdown.locator('strong').textContent()).resolves.toMatch(
      /^about \d+ minutes left$/,
    );
    await expect(countdown.locator('.clock').getAttribute('aria-hidden')).resolves.toBe('true');
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(images, 'console-offers.png'), fullPage: true });

    await item.getByRole('button', { name: 'Accept offer' }).click();
    await item.getByRole('status').getByText('Accepted: the placement was confirmed').waitFor();
    // The person's name reaches the provider that takes her in, and only on acceptance.
    await expect(item.getByRole('status').textContent()).resolves.toContain('Elira Testcase');
    expect(await seriousViolations(page)).toEqual([]);

    // The accommodation API has the acceptance: the offer accepted, the request placed.
    await expect(offerOf()).resolves.toMatchObject({ state: 'accepted' });
    const request = await callApi(
      'accommodation',
      'GET',
      `/v1/bed-requests/${requestId}`,
      policeKey,
    );
    expect(request.status).toBe(200);
    expect(await request.json()).toMatchObject({ state: 'placed' });

    // The placement took a bed: 1 available. The provider says 3 are free now, in one step.
    const property = page.locator(`li[data-property-id="${propertyId}"]`);
    await property.getByText('Confirm 1 still available').waitFor();
    const beds = property.getByLabel('Beds available now at Croydon house');
    await expect(beds.inputValue()).resolves.toBe('1');
    await beds.fill('3');
    await property.getByRole('button', { name: 'Save availability' }).click();
    await property
      .getByRole('status')
      .getByText(/Saved: 3 beds available/)
      .waitFor();
    const properties = (await (
      await callApi('accommodation', 'GET', '/v1/properties', providerKey)
    ).json()) as { properties: { propertyId: string; availableBeds: number }[] };
    expect(properties.properties.find((p) => p.propertyId === propertyId)).toMatchObject({
      availableBeds: 3,
    });
    expect(await seriousViolations(page)).toEqual([]);

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await sidewaysOverflow(page)).toEqual([]);
    await context.close();
  });

  it('the police planner lists its operations and reads an operation’s alert timeline', async () => {
    const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
    const planned = await callApi('intake', 'POST', '/v1/operations', policeKey, {
      kind: 'raid',
      premisesKind: 'nail_bar',
      address: { line1: '4 Timeline Row', postcode: 'NW1 2DB' },
      borough: CAMDEN,
      plannedStart: inHours(30),
      plannedEnd: inHours(33),
      expectedPeople: { total: 6, women: 4 },
      expectedLanguages: ['vi'],
      exploitationTypes: ['labour'],
      vulnerablePeopleLikely: true,
      leadContact: { name: 'DS Timeline Lead', phone: '+44 20 7946 0003' },
    });
    expect(planned.status).toBe(202);
    const { operationId } = (await planned.json()) as { operationId: string };
    // The NGO is sent the pre-brief and answers it with what it can bring. (This run's own
    // decision: the shared broker may bring other stacks' alerts about the same operation.)
    const prebrief = { alertId: await stack.ownAlert(operationId, 'operation-ngo-prebrief') };
    await expectEventually(
      async () => {
        const listed = (await (
          await callApi('notification', 'GET', '/v1/alerts', ngoKey)
        ).json()) as { alerts: { alertId: string }[] };
        if (!listed.alerts.some((a) => a.alertId === prebrief.alertId)) {
          throw new Error('the pre-brief is not in the NGO’s inbox yet');
        }
      },
      { timeoutMs: 90_000, intervalMs: 250, description: 'the pre-brief to the NGO' },
    );
    const answered = await callApi(
      'notification',
      'POST',
      `/v1/alerts/${prebrief.alertId}/acknowledgements`,
      ngoKey,
      { response: NGO_RESPONSE },
    );
    expect(answered.status).toBeLessThan(300);
    type Timeline = {
      alerts: {
        alertId: string;
        recipients: { organisation: { name: string }; acknowledgedAt?: string }[];
      }[];
    };
    const timeline = await expectEventually(
      async () => {
        const response = await callApi(
          'notification',
          'GET',
          `/v1/causes/operation/${operationId}/alerts`,
          policeKey,
        );
        if (response.status !== 200) throw new Error(`timeline: ${response.status}`);
        const body = (await response.json()) as Timeline;
        const alert = body.alerts.find((a) => a.alertId === prebrief.alertId);
        if (!alert?.recipients.some((r) => r.acknowledgedAt !== undefined)) {
          throw new Error('the acknowledgement is not in the timeline yet');
        }
        return body;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'the operation’s alert timeline' },
    );

    const context = await browser.newContext({ viewport: { width: 1100, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, plannerPerson);
    await page.getByRole('button', { name: 'My operations' }).click();
    const row = page.locator(`tr[data-operation-id="${operationId}"]`);
    await row.waitFor();
    // The list has no address or lead contact.
    const listed = (await page.locator('table.operations').textContent()) ?? '';
    expect(listed).not.toContain('Timeline Row');
    expect(listed).not.toContain('DS Timeline Lead');
    await expect(row.textContent()).resolves.toMatch(LONDON_TIME);
    expect(await seriousViolations(page)).toEqual([]);

    await row.getByRole('button', { name: /Show timeline/ }).click();
    await page.getByRole('heading', { name: /Alert timeline: Operation/ }).waitFor();
    const shown = page.locator('.cause-alerts > li[data-alert-id]');
    await shown.first().waitFor();
    expect((await shown.all()).length).toBeGreaterThanOrEqual(timeline.alerts.length);
    const sent = timeline.alerts.find((a) => a.alertId === prebrief.alertId)!;
    const first = page.locator(`li[data-alert-id="${sent.alertId}"]`);
    await expect(first.locator('.timeline').textContent()).resolves.toMatch(/Requested, at/);
    await expect(first.locator('.timeline time').first().textContent()).resolves.toMatch(
      LONDON_TIME,
    );
    expect(await seriousViolations(page)).toEqual([]);
    // Each recipient is on it, delivered (with the time) or not yet, and the NGO's answer.
    const text = (await first.textContent()) ?? '';
    for (const recipient of sent.recipients) {
      expect(text).toContain(recipient.organisation.name);
    }
    await expect(
      first
        .locator('.event-acknowledged')
        .filter({ hasText: 'Camden labour rights e2e' })
        .textContent(),
    ).resolves.toContain(NGO_RESPONSE);
    await page.screenshot({ path: join(images, 'console-timeline.png'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await sidewaysOverflow(page)).toEqual([]);
    await context.close();

    const logs = stack.consoleLogs();
    for (const secret of [providerPerson, plannerPerson, 'Elira', 'Timeline Row', 'hbs_']) {
      expect(logs).not.toContain(secret);
    }
  });
  // Last: the stack stops (flushing its last spans) and everything it wrote is scanned, the
  // console's spans and log lines included.
  it('leaves no person’s address, name, session or sign-in token in any log line, span or dead letter', async () => {
    await stack.stop();
    const markers = new PersonalDataMarkers();
    for (const phone of ['+44 20 7946 0003', '+44 20 7946 0004', '+44 20 7946 0005']) {
      markers.register('phone number', phone, phone.replace(/[^0-9+]/g, ''));
    }
    await expectConsoleStoryLeftNothing(stack, markers, 'partner console', [
      ['duty officer’s address', mpuPerson],
      ['coordinator’s address', coordinatorPerson],
      ['bed manager’s address', providerPerson],
      ['planner’s address', plannerPerson],
      ['victim’s given name', 'Elira'],
      ['family name', 'Testcase'],
      ['lead contact', 'DS Map Lead'],
      ['lead contact', 'DS Timeline Lead'],
      ['responder', 'PC Map'],
      ['operation address', 'Timeline Row'],
    ]);
  });
});
