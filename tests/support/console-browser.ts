import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { Client } from 'pg';
import { type SmtpInbox, testDatabaseUrl } from '@harbour/testing';
import type { HarbourStack } from './harbour-stack';

/**
 * What the console's browser stories share: Debian's Chromium driven by playwright-core,
 * axe-core's WCAG checks, the phone-width check, signing in from the e-mailed link, partners'
 * API calls and the CLI's printed ids and keys.
 */

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

/** A time as the console writes it, in London time: "Sat 28 Nov, 14:05". */
export const LONDON_TIME = /(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2},? \d{2}:\d{2}/;

/** Where the screenshots the README shows are written. */
export const images = join(__dirname, '..', '..', 'docs', 'images');

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The first id the CLI printed. */
export const idOf = (output: string): string => {
  const match = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(output);
  if (!match) throw new Error(`no id in: ${output}`);
  return match[0];
};

/** The API key the CLI printed (shown once). */
export const keyOf = (output: string): string => {
  const match = /hbr_[A-Za-z0-9_-]+/.exec(output);
  if (!match) throw new Error('no key printed');
  return match[0];
};

/** Chromium, headless; fails, never skips, when it is missing (CI installs it, `.ci/run`). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see README)`);
  }
  mkdirSync(images, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core in the page (evaluated over the DevTools protocol: the page's CSP forbids injection). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
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

/** On a phone, what sticks out to the right of the page (nothing, when it reads without scrolling). */
export async function sidewaysOverflow(page: Page): Promise<string[]> {
  await page.waitForFunction('document.readyState === "complete"');
  return page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    const over = document.documentElement.scrollWidth - width;
    if (over <= 0) return [];
    // What sticks out, leaving aside what is inside a container that scrolls by itself.
    const culprits = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > width + 0.5)
      .filter((e) => e.parentElement === null || !e.parentElement.closest('.table-scroll'))
      .slice(0, 5)
      .map((e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
        + ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
    return ['the page is ' + over + 'px too wide', ...culprits];
  })()`);
}

/** Signs in through the page exactly as a person does: the form, the e-mail, the button. */
export async function signIn(
  page: Page,
  stack: HarbourStack,
  inbox: SmtpInbox,
  email: string,
): Promise<void> {
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

/** A service's API with a key, as a partner system calls it. */
export function callApi(
  stack: HarbourStack,
  service: 'intake' | 'accommodation' | 'notification',
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${stack.url(service)}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** After a story: the browser closed, the stack stopped and its schemas dropped. */
export async function endConsoleStory(
  browser: Browser | undefined,
  stack: HarbourStack,
): Promise<void> {
  await browser?.close();
  await stack.stop();
  const db = new Client({ connectionString: testDatabaseUrl() });
  await db.connect();
  for (const service of ['intake', 'safeguarding', 'accommodation', 'notification']) {
    await db.query(`DROP SCHEMA IF EXISTS "${stack.run}_${service}" CASCADE`);
  }
  await db.end();
}
