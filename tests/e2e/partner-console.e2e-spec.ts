import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { Client } from 'pg';
import { expectEventually, SmtpInbox, testDatabaseUrl } from '@harbour/testing';
import { HarbourStack } from '../support/harbour-stack';

/**
 * The partner console in a real browser (Debian's Chromium, driven by playwright-core), in front
 * of the four services as real processes: a missing-person unit signs in from the e-mailed link,
 * sees the alert for a child missing in Camden and acknowledges it with a response; the
 * coordinator signs in and sees the 33 London authorities shaded by open alerts. axe-core checks
 * each page. Screenshots go to docs/images/ (shown in the README).
 */
jest.setTimeout(300_000);

const CHROMIUM = process.env['HARBOUR_CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const CAMDEN = 'E09000007';
const RESPONSE = '2 caseworkers, Albanian interpreter, 3 female beds';
const root = join(__dirname, '..', '..');
const images = join(root, 'docs', 'images');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const example = JSON.parse(
  readFileSync(join(root, 'docs', 'examples', 'missing-episode.json'), 'utf8'),
) as Record<string, unknown>;

const idOf = (output: string): string => {
  const match = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(output);
  if (!match) throw new Error(`no id in: ${output}`);
  return match[0];
};
const keyOf = (output: string): string => {
  const match = /hbr_[A-Za-z0-9_-]+/.exec(output);
  if (!match) throw new Error('no key printed');
  return match[0];
};

/** The shading the map must show for a number of open alerts (LondonMapView's bands). */
const shadeOf = (open: number): number => (open === 0 ? 0 : open === 1 ? 1 : open <= 4 ? 2 : 3);

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core in the page (evaluated over the DevTools protocol: the page's CSP forbids injection). */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  // A string, run in the page: the test's own TypeScript knows no DOM.
  const violations = await page.evaluate<AxeViolation[]>(`axe
    .run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    })
    .then((result) => result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })),
    })))`);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe('partner console in Chromium', () => {
  const stack = new HarbourStack();
  const inbox = new SmtpInbox();
  const address = (who: string) => `${who}-${stack.run}@e2e.harbour.localhost`.replace(/_/g, '-');
  const mpuInbox = address('mpu-camden');
  const mpuPerson = address('duty-officer');
  const coordinatorPerson = address('coordinator');
  let browser: Browser;
  let policeKey = '';
  let mpuKey = '';
  let coordinatorKey = '';
  let alertId = '';

  beforeAll(async () => {
    // Fails, never skips: CI installs Chromium (.ci/run) and the console is tested in it.
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see README)`);
    }
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
    await stack.start();
    await stack.startConsole();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    mkdirSync(images, { recursive: true });
  });

  afterAll(async () => {
    await (browser as Browser | undefined)?.close();
    await stack.stop();
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    for (const service of ['intake', 'safeguarding', 'accommodation', 'notification']) {
      await db.query(`DROP SCHEMA IF EXISTS "${stack.run}_${service}" CASCADE`);
    }
    await db.end();
  });

  /** Signs in through the page exactly as a person does: the form, the e-mail, the button. */
  async function signIn(page: Page, email: string): Promise<void> {
    const before = new Set((await inbox.messagesTo(email)).map((m) => m.id));
    await page.goto(stack.consoleUrl);
    await page.getByLabel('Work e-mail address').fill(email);
    await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
    await page.getByRole('status').getByText('a sign-in link is on its way').waitFor();
    const mail = await inbox.waitFor(
      (m) => !before.has(m.id) && m.to.some((t) => t.address.toLowerCase() === email),
      { timeoutMs: 60_000, description: `the sign-in e-mail to ${email}` },
    );
    const link = /http:\/\/\S+\/auth\/callback\?token=hbl_[A-Za-z0-9_-]{43}/.exec(
      mail.text ?? '',
    )?.[0];
    if (link === undefined) throw new Error('no sign-in link in the e-mail');
    await page.goto(link);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.consoleUrl}/`);
  }

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
    await signIn(page, mpuPerson);
    const item = page.locator(`li[data-alert-id="${alertId}"]`);
    await item.waitFor();
    await expect(item.getByRole('heading').textContent()).resolves.toContain('Missing child');
    await expect(page.getByText('Times are London time.').count()).resolves.toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(images, 'console-inbox.png'), fullPage: true });

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
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(images, 'console-inbox-phone.png'), fullPage: true });

    // Sign out: the session is gone, the sign-in form is back.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByLabel('Work e-mail address').waitFor();
    await context.close();
  });

  it('the coordinator sees all 33 London authorities shaded by open alerts, and a borough’s figures', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signIn(page, coordinatorPerson);
    const areas = page.locator('g.borough[data-gss]');
    await page.getByRole('heading', { name: 'London: open alerts by borough' }).waitFor();
    await page.locator('.london-map[aria-busy="false"]').waitFor();
    expect(await areas.count()).toBe(33);

    // The shading is what the notification API counts (the shared broker may bring other
    // tests' alerts to this stack, so the figures are read, not assumed).
    const to = new Date(Date.now() + 60_000);
    const from = new Date(to.getTime() - 30 * 24 * 3_600_000 - 120_000);
    const counts = (await (
      await fetch(
        `${stack.url('notification')}/v1/boroughs/alert-counts?from=${from.toISOString()}&to=${to.toISOString()}`,
        { headers: { authorization: `Bearer ${coordinatorKey}` } },
      )
    ).json()) as { boroughs: { gss: string; open: number }[] };
    const camden = counts.boroughs.find((b) => b.gss === CAMDEN);
    expect(camden?.open).toBeGreaterThanOrEqual(1);
    const shown = await Promise.all(
      (await areas.all()).map(
        async (area) =>
          [
            await area.getAttribute('data-gss'),
            Number(await area.getAttribute('data-shade')),
          ] as const,
      ),
    );
    expect(Object.fromEntries(shown)).toEqual(
      Object.fromEntries(counts.boroughs.map((b) => [b.gss, shadeOf(b.open)])),
    );
    // Not colour alone: each area says its count, as text and to assistive technology.
    const camdenArea = page.locator(`g.borough[data-gss="${CAMDEN}"]`);
    await expect(camdenArea.getAttribute('aria-label')).resolves.toMatch(
      /^Camden: \d+ open alerts?/,
    );
    await expect(camdenArea.locator('text').textContent()).resolves.toBe(String(camden?.open));

    // Keyboard: focus Camden and press Enter for its figures.
    await camdenArea.focus();
    await page.keyboard.press('Enter');
    await page.locator('.details').getByRole('heading', { name: 'Camden' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(images, 'console-map.png'), fullPage: false });
    await context.close();

    // Nothing the console logged holds a person's e-mail address or a token.
    const logs = stack.consoleLogs();
    for (const secret of [mpuPerson, coordinatorPerson, 'hbs_', 'hbl_']) {
      expect(logs).not.toContain(secret);
    }
  });
});
