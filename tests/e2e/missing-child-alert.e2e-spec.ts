import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { SmtpInbox, testDatabaseUrl } from '@harbour/testing';
import { HarbourStack } from '../support/harbour-stack';
import { expectNothingLeaked, scanForPersonalData } from '../support/leak-scan';
import { PersonalDataMarkers } from '../support/personal-data-markers';

/**
 * The walking skeleton, across all four services as real processes: a child with a trafficking
 * marker is reported missing over REST, and the borough's missing-person unit gets a critical
 * email in a real SMTP inbox — through Kafka, with nothing faked.
 */
jest.setTimeout(300_000);

const CAMDEN = 'E09000007';
const ISLINGTON = 'E09000019';
const example = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'docs', 'examples', 'missing-episode.json'), 'utf8'),
) as Record<string, unknown>;

function idOf(cliOutput: string): string {
  const match = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(cliOutput);
  if (!match) throw new Error(`no id in: ${cliOutput}`);
  return match[0];
}

function keyOf(cliOutput: string): string {
  const match = /hbr_[A-Za-z0-9_-]+/.exec(cliOutput);
  if (!match) throw new Error('no key printed');
  return match[0];
}

describe('missing trafficked child → missing-person unit email', () => {
  const stack = new HarbourStack();
  const inbox = new SmtpInbox();
  const camdenMpu = `mpu-camden-${stack.run}@e2e.harbour.localhost`.replace(/_/g, '-');
  const islingtonMpu = `mpu-islington-${stack.run}@e2e.harbour.localhost`.replace(/_/g, '-');
  const coordinatorDuty = `duty-${stack.run}@e2e.harbour.localhost`.replace(/_/g, '-');
  // Marker values in every personal field: they must reach the intake record and never an alert
  // e-mail, a log line, a span or a dead letter.
  const markers = new PersonalDataMarkers();
  const markerName = markers.name('given name');
  const child = {
    ...(example.child as object),
    givenName: markerName,
    familyName: markers.name('family name'),
    dateOfBirth: markers.dateOfBirth('date of birth', 15),
    subjectReference: markers.text('subject reference'),
  };
  const markedReport = (lastSeenAt: string) => ({
    ...example,
    child,
    lastSeenAt,
    lastSeenLocation: { description: markers.text('last seen place', ' by the bus stop') },
    circumstances: markers.text('circumstances', ' did not return after school'),
    reportingOfficer: {
      name: markers.name('reporting officer'),
      phone: markers.phone('officer phone'),
    },
    philomenaProfile: {
      description: markers.text('profile', ' red coat'),
      associates: [markers.text('associate')],
      places: [markers.text('place')],
      photoReference: `case-system://camden/photos/${markers.text('photo reference')}`,
    },
  });
  let policeKey = '';

  beforeAll(async () => {
    const police = idOf(
      stack.cli(
        'org',
        'add',
        '--name',
        'Camden Police SPoC e2e',
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
    stack.cli('contact', 'add', '--org', mpu, '--email', camdenMpu);
    const hub = idOf(
      stack.cli(
        'org',
        'add',
        '--name',
        'Coordination hub e2e',
        '--kind',
        'coordinator',
        '--borough',
        'pan_london',
      ),
    );
    stack.cli('contact', 'add', '--org', hub, '--email', coordinatorDuty);
    const other = idOf(
      stack.cli(
        'org',
        'add',
        '--name',
        'Islington MPU e2e',
        '--kind',
        'missing_person_unit',
        '--borough',
        ISLINGTON,
      ),
    );
    stack.cli('contact', 'add', '--org', other, '--email', islingtonMpu);
    await stack.start();
  });

  afterAll(async () => {
    const codes = await stack.stop();
    // Graceful shutdown on SIGTERM: every service exits by itself, cleanly.
    expect(codes).toEqual([0, 0, 0, 0]);
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    for (const service of ['intake', 'safeguarding', 'accommodation', 'notification']) {
      await db.query(`DROP SCHEMA IF EXISTS "${stack.run}_${service}" CASCADE`);
    }
    await db.end();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.url('intake')}/v1/missing-episodes`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${policeKey}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });

  it('delivers one critical email to the borough missing-person unit, and only to it', async () => {
    const report = markedReport(new Date(Date.now() - 3_600_000).toISOString());
    // The caller's trace continues through intake, Kafka and safeguarding (W3C traceparent).
    const traceId = randomBytes(16).toString('hex');
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    const postedAt = Date.now();
    const response = await post(report, { 'idempotency-key': `e2e-${stack.run}`, traceparent });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { episodeId: string; location: string };
    expect(response.headers.get('location')).toBe(`/v1/missing-episodes/${body.episodeId}`);

    // Integration tests' safeguarding instances on the same broker decide on this episode too,
    // and this stack's notification delivers their alerts: follow this stack's own alert.
    const alertId = await stack.ownAlert(body.episodeId);
    const email = await inbox.waitFor(
      // The police-only follow-up with the child's name is a separate delivery: it may come first.
      (m) =>
        m.to.some((t) => t.address === camdenMpu) &&
        m.subject.startsWith('[CRITICAL]') &&
        (m.text ?? '').includes(alertId),
      { timeoutMs: 60_000, description: 'the alert email to the Camden missing-person unit' },
    );
    const elapsedMs = Date.now() - postedAt;
    process.stderr.write(`e2e: POST → email in the inbox took ${elapsedMs} ms\n`);

    expect(email.subject).toMatch(/^\[CRITICAL\] Missing child/);
    expect(email.subject).toContain('Camden');
    expect(email.headers['message-id']).toMatch(/^<[0-9a-f-]{36}@harbour\.localhost>$/);
    // Need-to-know: names stay out of email, and out of every service's logs.
    expect(JSON.stringify(email)).not.toContain(markerName);
    expect(stack.allLogs()).not.toContain(markerName);

    // The same Idempotency-Key replays the first answer and publishes nothing twice.
    const replay = await post(report, { 'idempotency-key': `e2e-${stack.run}` });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(body);

    // Every delivery for this episode's alert is settled, and only Camden's unit was chosen.
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      const deliveries = await db.query<{ address: string; status: string }>(
        `SELECT d.address, d.status FROM "${stack.run}_notification".delivery d
           JOIN "${stack.run}_notification".alert a ON a.id = d.alert_id
          WHERE a.id = $1 AND d.purpose = 'alert'`,
        [alertId],
      );
      expect(deliveries.rows).toEqual([{ address: camdenMpu, status: 'sent' }]);
      const published = await db.query<{ traceparent: string }>(
        `SELECT headers->>'traceparent' AS traceparent FROM "${stack.run}_intake".outbox`,
      );
      expect(published.rows).toHaveLength(1);
      expect(published.rows[0]?.traceparent.split('-')[1]).toBe(traceId);
      const alerted = await db.query<{ traceparent: string }>(
        `SELECT headers->>'traceparent' AS traceparent FROM "${stack.run}_safeguarding".outbox
          WHERE data->'cause'->>'id' = $1`,
        [body.episodeId],
      );
      expect(alerted.rows.map((r) => r.traceparent.split('-')[1])).toEqual([traceId]);
    } finally {
      await db.end();
    }
    // One alert; the unit (police) also gets the child's name as a police-only follow-up, a
    // separate delivery that may arrive after the alert: wait for it before counting.
    await inbox.waitFor(
      (m) =>
        m.to.some((t) => t.address === camdenMpu) &&
        m.subject.startsWith('[UPDATE] [CRITICAL] Philomena profile') &&
        (m.text ?? '').includes(alertId),
      { timeoutMs: 60_000, description: 'the police-only profile follow-up to the Camden unit' },
    );
    const toCamden = await inbox.messagesTo(camdenMpu);
    const aboutEpisode = toCamden.filter((m) => (m.text ?? '').includes(alertId));
    expect(aboutEpisode.filter((m) => m.subject.startsWith('[CRITICAL]'))).toHaveLength(1);
    expect(aboutEpisode.map((m) => m.subject).sort()).toEqual([
      email.subject,
      '[UPDATE] [CRITICAL] Philomena profile — police only — Camden — personal details released',
    ]);
    expect(await inbox.messagesTo(islingtonMpu)).toHaveLength(0);
  });

  const episodeEmail = async (address: string, episodeId: string, subject: RegExp) => {
    const alertId = await stack.ownAlert(episodeId);
    return inbox.waitFor(
      (m) =>
        m.to.some((t) => t.address === address) &&
        subject.test(m.subject) &&
        (m.text ?? '').includes(alertId),
      { timeoutMs: 60_000, description: `an email to ${address} matching ${subject}` },
    );
  };
  const reportEpisode = async (): Promise<string> => {
    const response = await post(markedReport(new Date(Date.now() - 600_000).toISOString()), {
      'idempotency-key': `e2e-${stack.run}-${Math.random()}`,
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { episodeId: string }).episodeId;
  };
  const alertIdOf = (email: { text?: string }): string => {
    const match = /Alert reference: ([0-9a-f-]{36})/.exec(email.text ?? '');
    if (!match?.[1]) throw new Error('no alert reference in the email');
    return match[1];
  };

  it('stops escalation when the unit acknowledges through the emailed link', async () => {
    const episodeId = await reportEpisode();
    const email = await episodeEmail(camdenMpu, episodeId, /^\[CRITICAL\]/);
    const link = /Acknowledge: (\S+)/.exec(email.text ?? '')?.[1];
    expect(link).toMatch(new RegExp(`^${stack.url('notification')}/ack/`));
    // The token is the permission to acknowledge: the scan looks for it everywhere too.
    markers.register('acknowledgement token', link!.split('/ack/')[1]!);
    // Opening the link changes nothing (mail scanners open links); the button does.
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Acknowledge');
    const acknowledged = await fetch(link!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ response: 'Two officers on it' }).toString(),
    });
    expect(acknowledged.status).toBe(200);
    expect(
      (
        await fetch(link!, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: '',
        })
      ).status,
    ).toBe(409);

    const alertId = alertIdOf(email);
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      const timers = await db.query<{ state: string }>(
        `SELECT state FROM "${stack.run}_notification".escalation_timer WHERE alert_id = $1`,
        [alertId],
      );
      expect(timers.rows.map((t) => t.state)).toEqual(['cancelled']);
      const events = await db.query<{ type: string }>(
        `SELECT type FROM "${stack.run}_notification".outbox WHERE key = $1 ORDER BY seq`,
        [alertId],
      );
      expect(events.rows.map((e) => e.type)).toContain('harbour.alert.acknowledged');
      expect(events.rows.map((e) => e.type)).not.toContain('harbour.alert.escalated');
    } finally {
      await db.end();
    }
  });

  it('escalates to the coordinator when nobody acknowledges in time', async () => {
    const postedAt = Date.now();
    const episodeId = await reportEpisode();
    const first = await episodeEmail(camdenMpu, episodeId, /^\[CRITICAL\]/);
    // 15 policy minutes are 30 seconds in this stack.
    const escalation = await episodeEmail(
      coordinatorDuty,
      episodeId,
      /^\[ESCALATION level 1\] \[CRITICAL\]/,
    );
    expect(alertIdOf(escalation)).toBe(alertIdOf(first));
    // Not before the acknowledge-by time (the inbox keeps whole seconds).
    expect(Date.parse(escalation.time)).toBeGreaterThanOrEqual(postedAt - 1_000 + 30_000);
  });

  it('rejects bad input with a problem naming each invalid field', async () => {
    // A refused report still carries personal data: the refusal, its log line and its spans
    // must not repeat it (the final scan checks the latter two).
    const refusedName = markers.name('refused report name');
    const response = await post({
      ...markedReport(new Date(Date.now() - 60_000).toISOString()),
      child: { ...child, givenName: refusedName },
      borough: 'E09999999',
      riskGrade: undefined,
      colour: markers.text('refused report field'),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const text = await response.text();
    expect(markers.foundIn(text)).toEqual([]);
    const problem = JSON.parse(text) as { errors: { pointer: string }[] };
    const pointers = problem.errors.map((e) => e.pointer).sort();
    expect(pointers).toEqual(['/borough', '/colour', '/riskGrade']);
  });

  it('answers 401 without a valid key', async () => {
    const missing = await fetch(`${stack.url('intake')}/v1/missing-episodes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(example),
    });
    expect(missing.status).toBe(401);
    const wrong = await post(example, { authorization: 'Bearer hbr_notakey_notasecret' });
    expect(wrong.status).toBe(401);
  });

  // Last: the stack stops (flushing its last spans) and everything it wrote is scanned.
  it('leaves no marker in any log line, span or dead letter, and no acknowledgement token in a span', async () => {
    await stack.stop();
    const scan = await scanForPersonalData(stack, markers, 'missing child alert');
    expectNothingLeaked(scan);
    // The acknowledgement link was opened and used: its spans exist and show the path redacted.
    expect(scan.acknowledgementSpans).toBeGreaterThan(0);
  });
});
