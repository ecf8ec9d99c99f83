import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { topicFor, validateEvent } from '@harbour/contracts';
import { formatLondonTime } from '@harbour/london';
import {
  createKafka,
  ensureTopics,
  eventOrUndefined,
  type HarbourEvent,
  Outbox,
  OutboxRelay,
} from '@harbour/messaging';
import {
  createLogger,
  type IdentityStore,
  openServiceDatabase,
  type ServiceDatabase,
} from '@harbour/platform';
import {
  createTestSchema,
  expectEventually,
  testDatabaseUrl,
  testKafkaBrokers,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import type { Consumer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { signAcknowledgementToken } from '../domain/acknowledgement-token';
import { NOTIFICATION_MIGRATIONS } from '../migrations';
import { ACKNOWLEDGEMENT_RESPONSE_COLUMN } from '../security/encrypted-columns';
import { startGuardedTestApp, testFieldCipher } from '../test-support/notification-test-harness';
import { ALERT_ACKNOWLEDGED } from './acknowledge-alert';
import {
  ACKNOWLEDGEMENT_CONTROLLERS,
  type Acknowledgements,
  acknowledgementProviders,
  openAcknowledgements,
} from './open-acknowledgements';

jest.setTimeout(90_000);

const SECRET = 'integration-test-secret-0123456789-abcdefghij';
const DELIVERY_TOPIC = topicFor(ALERT_ACKNOWLEDGED);
const TITLE = 'Missing child — trafficking marker — Camden';

interface Recipient {
  organisationId: string;
  address: string;
  respondKey: string;
  readKey: string;
}

describe('acknowledging an alert: e-mailed link and REST', () => {
  const logger = createLogger({ service: 'acknowledgement-test', level: 'warn' });
  const run = uniqueName('ack');
  let schema: TestSchema;
  let database: ServiceDatabase;
  let dataSource: DataSource;
  let identity: IdentityStore;
  let relay: OutboxRelay;
  let acknowledgements: Acknowledgements;
  let app: INestApplication;
  let baseUrl: string;
  let reader: Consumer;
  const events: HarbourEvent[] = [];
  let camden: Recipient;
  let hackney: Recipient;
  let outsider: Recipient;
  let coordinatorAdminKey: string;
  const cipher = testFieldCipher();

  beforeAll(async () => {
    schema = await createTestSchema('ack');
    database = await openServiceDatabase({
      service: 'notification',
      databaseUrl: testDatabaseUrl(),
      schema: schema.schema,
      migrations: NOTIFICATION_MIGRATIONS,
    });
    ({ dataSource, identity } = database);
    const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: run, logger });
    await ensureTopics(kafka, [DELIVERY_TOPIC]);
    relay = new OutboxRelay({ dataSource, schema: schema.schema, kafka, logger });
    await relay.start();
    acknowledgements = openAcknowledgements({
      config: {
        NOTIFICATION_ACK_SECRET: SECRET,
        NOTIFICATION_PUBLIC_URL: 'http://127.0.0.1:8083',
        NOTIFICATION_ACK_GRACE_MINUTES: 60,
      },
      dataSource,
      cipher,
      outbox: new Outbox({
        schema: schema.schema,
        source: '/harbour/notification',
        validator: validateEvent,
      }),
      relay,
      logger,
    });

    ({ app, baseUrl } = await startGuardedTestApp({
      service: 'ack-test',
      logger,
      identity,
      controllers: ACKNOWLEDGEMENT_CONTROLLERS,
      providers: acknowledgementProviders(acknowledgements),
    }));

    camden = await recipient('Camden MPU', 'missing_person_unit');
    hackney = await recipient('Hackney MPU', 'missing_person_unit');
    outsider = await recipient('Croydon MPU', 'missing_person_unit');
    const coordinator = await identity.createOrganisation({
      name: `Coordinator ${run}`,
      kind: 'coordinator',
      boroughs: ['pan_london'],
    });
    coordinatorAdminKey = (
      await identity.issueApiKey({ organisationId: coordinator.id, roles: ['admin'], label: run })
    ).key;

    reader = kafka.consumer({ groupId: uniqueName('ack-reader') });
    await reader.connect();
    // From the beginning (other tests' events are filtered out by alert id): a group starting at
    // the end could miss what is published before its first fetch.
    await reader.subscribe({ topic: DELIVERY_TOPIC, fromBeginning: true });
    await reader.run({
      eachMessage: ({ message }) => {
        const event = eventOrUndefined(message);
        if (event?.type === ALERT_ACKNOWLEDGED) events.push(event);
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await reader.disconnect();
    await app.close();
    await relay.stop();
    await database.close();
    await schema.drop();
  });

  /** An organisation in the identity store and the directory, with one e-mail contact. */
  async function recipient(name: string, kind: 'missing_person_unit'): Promise<Recipient> {
    const organisation = await identity.createOrganisation({
      name: `${name} ${run}`,
      kind,
      boroughs: ['E09000007'],
    });
    await dataSource.query(
      `INSERT INTO "${schema.schema}".organisation (id, name, kind, boroughs) VALUES ($1, $2, $3, $4)`,
      [organisation.id, organisation.name, kind, ['E09000007']],
    );
    const key = async (role: 'respond' | 'read') =>
      (await identity.issueApiKey({ organisationId: organisation.id, roles: [role], label: run }))
        .key;
    return {
      organisationId: organisation.id,
      address: `duty.${randomUUID()}@test.harbour.localhost`,
      respondKey: await key('respond'),
      readKey: await key('read'),
    };
  }

  /** An open alert delivered (sent) to each recipient, with two pending escalation timers and one fired. */
  async function deliveredAlert(
    ...recipients: Recipient[]
  ): Promise<{ alertId: string; deliveryIds: Map<Recipient, string>; acknowledgeBy: Date }> {
    const alertId = randomUUID();
    const s = `"${schema.schema}"`;
    const requestedAt = new Date();
    const acknowledgeBy = new Date(requestedAt.getTime() + 15 * 60_000);
    await dataSource.query(
      `INSERT INTO ${s}.alert (id, cause, severity, acknowledge_within_minutes, requested_at,
         acknowledge_by, disclosure_level, summary, audience, state)
       VALUES ($1, $2::jsonb, 'critical', 15, $3, $4, 'operational', $5::jsonb, $6::jsonb, 'open')`,
      [
        alertId,
        JSON.stringify({ kind: 'missing_episode', id: randomUUID(), eventId: randomUUID() }),
        requestedAt,
        acknowledgeBy,
        JSON.stringify({ title: TITLE, lines: [{ label: 'Name', value: 'Ana Popescu' }] }),
        JSON.stringify({ roles: ['missing_person_unit'], boroughs: ['E09000007'] }),
      ],
    );
    const deliveryIds = new Map<Recipient, string>();
    for (const r of recipients) {
      const contactId = randomUUID();
      const deliveryId = randomUUID();
      await dataSource.query(
        `INSERT INTO ${s}.contact (id, organisation_id, channel, address) VALUES ($1, $2, 'email', $3)
         ON CONFLICT (organisation_id, channel, address) DO NOTHING`,
        [contactId, r.organisationId, r.address],
      );
      await dataSource.query(
        `INSERT INTO ${s}.delivery (id, alert_id, organisation_id, contact_id, channel, address,
           status, message_id, matched_rule, sent_at)
         SELECT $1, $2, $3, c.id, 'email', $4, 'sent', $5, 'role=missing_person_unit', now()
           FROM ${s}.contact c WHERE c.organisation_id = $3 AND c.address = $4`,
        [deliveryId, alertId, r.organisationId, r.address, `<${deliveryId}@harbour.localhost>`],
      );
      deliveryIds.set(r, deliveryId);
    }
    for (const [level, state] of [
      [0, 'fired'],
      [1, 'pending'],
      [2, 'pending'],
    ] as const) {
      await dataSource.query(
        `INSERT INTO ${s}.escalation_timer (id, alert_id, level, loop, due_at, state, fired_at)
         VALUES ($1, $2, $3, 0, now() + interval '10 minutes', $4, CASE WHEN $4 = 'fired' THEN now() END)`,
        [randomUUID(), alertId, level, state],
      );
    }
    return { alertId, deliveryIds, acknowledgeBy };
  }

  async function rows<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    return dataSource.query<T[]>(sql.replaceAll('$schema', `"${schema.schema}"`), parameters);
  }

  const alertRow = async (alertId: string) =>
    (
      await rows<{ state: string; acknowledged_at: Date | null }>(
        'SELECT state, acknowledged_at FROM $schema.alert WHERE id = $1',
        [alertId],
      )
    )[0];

  const timerStates = async (alertId: string) =>
    (
      await rows<{ level: number; state: string }>(
        'SELECT level, state FROM $schema.escalation_timer WHERE alert_id = $1 ORDER BY level',
        [alertId],
      )
    ).map((t) => `${t.level}:${t.state}`);

  const acknowledgementRows = (alertId: string) =>
    rows<{
      organisation_id: string;
      via: string;
      actor: string;
      response: string | null;
      response_encrypted: string | null;
      token_id: string | null;
    }>(
      `SELECT organisation_id, via, actor, response, response_encrypted, token_id
         FROM $schema.acknowledgement WHERE alert_id = $1`,
      [alertId],
    );

  /** The stored reply holds no plaintext, and opens to `reply` with the service's key. */
  const expectEncrypted = (stored: string | null | undefined, reply: string) => {
    expect(stored).toEqual(expect.any(String));
    expect(stored).not.toContain(reply);
    expect(stored).not.toContain(Buffer.from(reply).toString('base64'));
    expect(cipher.decrypt(stored ?? '', ACKNOWLEDGEMENT_RESPONSE_COLUMN.context)).toBe(reply);
  };

  const eventsFor = (alertId: string) =>
    events.filter((e) => (e.data as { alertId: string }).alertId === alertId);

  function linkPath(alert: { alertId: string; acknowledgeBy: Date }, r: Recipient, id: string) {
    const url = acknowledgements.links.acknowledgeUrlFor({
      alertId: alert.alertId,
      organisationId: r.organisationId,
      deliveryId: id,
      acknowledgeBy: alert.acknowledgeBy,
    });
    return new URL(url).pathname;
  }

  const submit = (path: string, response?: string) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(response === undefined ? {} : { response }).toString(),
    });

  const api = (path: string, key: string, init: RequestInit = {}) =>
    fetch(`${baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });

  it('shows the alert on GET without acknowledging it, under a page-specific CSP', async () => {
    const alert = await deliveredAlert(camden);
    const path = linkPath(alert, camden, alert.deliveryIds.get(camden)!);

    const page = await fetch(`${baseUrl}${path}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain(TITLE);
    expect(html).toContain('critical');
    expect(html).toContain('<form method="post">');
    expect(html).toContain(`Acknowledge by</dt><dd>${formatLondonTime(alert.acknowledgeBy)}</dd>`);
    // Summary lines may name people: the page shows title and severity only.
    expect(html).not.toContain('Ana Popescu');
    const csp = page.headers.get('content-security-policy') ?? '';
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');

    // Fetched twice, as a mail scanner and then a person would: still nothing recorded.
    await fetch(`${baseUrl}${path}`);
    expect(await alertRow(alert.alertId)).toEqual({ state: 'open', acknowledged_at: null });
    expect(await acknowledgementRows(alert.alertId)).toEqual([]);
    expect(await timerStates(alert.alertId)).toEqual(['0:fired', '1:pending', '2:pending']);
  });

  const disclosures = (alertId: string) =>
    rows<{ action: string; actor: Record<string, unknown>; details: Record<string, unknown> }>(
      `SELECT action, actor, details FROM $schema.audit_log
        WHERE resource_kind = 'alert' AND resource_id = $1 AND action LIKE 'disclosure.%'
        ORDER BY seq`,
      [alertId],
    );
  const showDetails = (path: string) => fetch(`${baseUrl}${path}/details`, { method: 'POST' });

  it('shows the details the e-mail left out on POST only, and audits each showing', async () => {
    const alert = await deliveredAlert(camden);
    const deliveryId = alert.deliveryIds.get(camden)!;
    const path = linkPath(alert, camden, deliveryId);
    const token = path.split('/ack/')[1] ?? '';
    const page = await (await fetch(`${baseUrl}${path}`)).text();
    // GET offers the details behind a button posting to <token>/details, and shows none of them.
    expect(page).toContain(`<form method="post" action="${token}/details"`);
    expect(page).not.toContain('Ana Popescu');
    expect(await disclosures(alert.alertId)).toEqual([]);

    const shown = await showDetails(path);
    const html = await shown.text();
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html).toContain('Ana Popescu');
    expect(html).toContain(TITLE);
    expect(html).toContain(alert.alertId);
    // The form posts back to the link itself, so a person can acknowledge from here.
    expect(html).toContain(`<form method="post" action="../${token}">`);
    await showDetails(path);
    const audited = await disclosures(alert.alertId);
    expect(audited).toHaveLength(2);
    expect(audited[0]).toMatchObject({
      action: 'disclosure.operational',
      actor: { type: 'link', organisationId: camden.organisationId, deliveryId },
      details: {
        deliveryId,
        organisationId: camden.organisationId,
        organisationKind: 'missing_person_unit',
        channel: 'email',
        purpose: 'alert',
        shownBy: 'acknowledgement link',
      },
    });
    // Showing is not acknowledging.
    expect(await acknowledgementRows(alert.alertId)).toEqual([]);

    // After acknowledging with this link, it still shows the details, without the form.
    expect((await submit(path, 'on our way')).status).toBe(200);
    const after = await showDetails(path);
    const afterHtml = await after.text();
    expect(after.status).toBe(200);
    expect(afterHtml).toContain('Ana Popescu');
    expect(afterHtml).toContain('acknowledged this alert at');
    expect(afterHtml).not.toContain('<textarea');
    expect(await disclosures(alert.alertId)).toHaveLength(3);
  });

  it('shows no details, and audits nothing, for a forged, foreign, expired or ended link', async () => {
    const alert = await deliveredAlert(camden, hackney);
    const camdenDelivery = alert.deliveryIds.get(camden)!;
    const good = linkPath(alert, camden, camdenDelivery).split('/ack/')[1] ?? '';
    const [payload = ''] = good.split('.');
    const forged = await showDetails(`/ack/${payload}.${'A'.repeat(43)}`);
    expect(forged.status).toBe(400);
    // Hackney's organisation with Camden's delivery: signed, but not a delivery to Hackney.
    const foreign = signAcknowledgementToken(
      {
        alertId: alert.alertId,
        organisationId: hackney.organisationId,
        deliveryId: camdenDelivery,
        tokenId: randomUUID(),
        expiresAt: new Date(Date.now() + 3_600_000),
      },
      SECRET,
    );
    expect((await showDetails(`/ack/${foreign}`)).status).toBe(400);
    const expired = signAcknowledgementToken(
      {
        alertId: alert.alertId,
        organisationId: camden.organisationId,
        deliveryId: camdenDelivery,
        tokenId: randomUUID(),
        expiresAt: new Date(Date.now() - 1_000),
      },
      SECRET,
    );
    expect((await showDetails(`/ack/${expired}`)).status).toBe(410);
    await rows(`UPDATE $schema.alert SET state = 'closed', closed_at = now() WHERE id = $1`, [
      alert.alertId,
    ]);
    const closed = await showDetails(`/ack/${good}`);
    expect(closed.status).toBe(409);
    for (const response of [forged, closed]) {
      expect(await response.text()).not.toContain('Ana Popescu');
    }
    expect(await disclosures(alert.alertId)).toEqual([]);
  });

  it('shows a recipient not cleared for the alert’s level the notice only, unaudited', async () => {
    const housing = await identity.createOrganisation({
      name: `Camden Homes ${run}`,
      kind: 'housing_provider',
      boroughs: ['E09000007'],
    });
    await dataSource.query(
      `INSERT INTO "${schema.schema}".organisation (id, name, kind, boroughs) VALUES ($1, $2, $3, $4)`,
      [housing.id, housing.name, 'housing_provider', ['E09000007']],
    );
    const provider: Recipient = {
      organisationId: housing.id,
      address: `homes.${randomUUID()}@test.harbour.localhost`,
      respondKey: '',
      readKey: '',
    };
    const alert = await deliveredAlert(provider);
    const shown = await showDetails(linkPath(alert, provider, alert.deliveryIds.get(provider)!));
    const html = await shown.text();
    expect(shown.status).toBe(200);
    expect(html).toContain(TITLE);
    expect(html).not.toContain('Ana Popescu');
    expect(await disclosures(alert.alertId)).toEqual([]);
  });

  it('acknowledges once by link: records who and what, stops escalation, emits the event', async () => {
    const alert = await deliveredAlert(camden, hackney);
    const deliveryId = alert.deliveryIds.get(camden)!;
    const path = linkPath(alert, camden, deliveryId);
    const reply = '2 caseworkers and an Albanian interpreter available';

    const done = await submit(path, reply);
    const html = await done.text();
    expect(done.status).toBe(200);
    expect(html).toContain('Acknowledged');
    expect(html).toContain(`Camden MPU ${run}`);

    const recorded = await acknowledgementRows(alert.alertId);
    expect(recorded).toEqual([
      {
        organisation_id: camden.organisationId,
        via: 'link',
        actor: camden.address,
        // Encrypted at rest: the plaintext column stays empty.
        response: null,
        response_encrypted: expect.any(String) as unknown,
        token_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      },
    ]);
    expectEncrypted(recorded[0]?.response_encrypted, reply);
    const row = await alertRow(alert.alertId);
    expect(row?.state).toBe('acknowledged');
    expect(row?.acknowledged_at).toBeInstanceOf(Date);
    expect(await timerStates(alert.alertId)).toEqual(['0:fired', '1:cancelled', '2:cancelled']);

    const [event] = await expectEventually(
      () => {
        const found = eventsFor(alert.alertId);
        if (found.length === 0) throw new Error('not yet');
        return found;
      },
      { timeoutMs: 30_000, description: 'harbour.alert.acknowledged on Kafka' },
    );
    expect(event?.subject).toBe(alert.alertId);
    expect(event?.data).toEqual({
      alertId: alert.alertId,
      organisationId: camden.organisationId,
      deliveryId,
      acknowledgedAt: row?.acknowledged_at?.toISOString(),
      via: 'email_link',
      note: reply,
    });

    // The same link again: used, nothing more recorded, on POST and on GET.
    const again = await submit(path, 'another reply');
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('already been used');
    const reopened = await fetch(`${baseUrl}${path}`);
    expect(reopened.status).toBe(409);
    expect(await reopened.text()).toContain('already been used');
    expect(await acknowledgementRows(alert.alertId)).toHaveLength(1);

    // A second organisation still acknowledges: its own row and event, the alert stays acknowledged.
    const other = await submit(linkPath(alert, hackney, alert.deliveryIds.get(hackney)!));
    expect(other.status).toBe(200);
    expect(await acknowledgementRows(alert.alertId)).toHaveLength(2);
    expect((await alertRow(alert.alertId))?.acknowledged_at).toEqual(row?.acknowledged_at);
    await expectEventually(
      () => {
        expect(eventsFor(alert.alertId)).toHaveLength(2);
      },
      { timeoutMs: 30_000 },
    );
    expect(eventsFor(alert.alertId)[1]?.data).not.toHaveProperty('note');
  });

  it('says an expired link has expired (410) and a tampered one is invalid (400)', async () => {
    const alert = await deliveredAlert(camden);
    const deliveryId = alert.deliveryIds.get(camden)!;
    const expired = signAcknowledgementToken(
      {
        alertId: alert.alertId,
        organisationId: camden.organisationId,
        deliveryId,
        tokenId: randomUUID(),
        expiresAt: new Date(Date.now() - 60_000),
      },
      SECRET,
    );
    for (const request of [fetch(`${baseUrl}/ack/${expired}`), submit(`/ack/${expired}`)]) {
      const response = await request;
      expect(response.status).toBe(410);
      const html = await response.text();
      expect(html).toContain('This link has expired');
      expect(html).toContain(TITLE);
    }

    const good = linkPath(alert, camden, deliveryId).split('/ack/')[1] ?? '';
    const [payload = '', signature = ''] = good.split('.');
    const flipped = `${payload.slice(0, 5)}${payload[5] === 'A' ? 'B' : 'A'}${payload.slice(6)}`;
    for (const token of [`${flipped}.${signature}`, 'not-a-token', `${payload}.${signature}x`]) {
      const response = await submit(`/ack/${token}`);
      expect(response.status).toBe(400);
      const html = await response.text();
      expect(html).toContain('This link is not valid');
      expect(html).not.toMatch(/Error|at .*\.ts/);
    }
    expect(await acknowledgementRows(alert.alertId)).toEqual([]);
    expect(await alertRow(alert.alertId)).toMatchObject({ state: 'open' });
  });

  it('refuses a link whose organisation did not receive that delivery (400)', async () => {
    const alert = await deliveredAlert(camden);
    const path = linkPath(alert, outsider, alert.deliveryIds.get(camden)!);
    const response = await submit(path);
    expect(response.status).toBe(400);
    expect(await acknowledgementRows(alert.alertId)).toEqual([]);
  });

  it('says a closed alert cannot be acknowledged, by link or REST (409), with the reason', async () => {
    const alert = await deliveredAlert(camden);
    const closedAt = new Date('2026-03-02T09:30:00Z');
    await rows(
      `UPDATE $schema.alert SET state = 'closed', closed_at = $2, closure_reason = $3 WHERE id = $1`,
      [alert.alertId, closedAt, 'Found <safe> in Camden; this alert is closed.'],
    );
    const path = linkPath(alert, camden, alert.deliveryIds.get(camden)!);
    for (const request of [fetch(`${baseUrl}${path}`), submit(path)]) {
      const response = await request;
      expect(response.status).toBe(409);
      const html = await response.text();
      expect(html).toContain('This alert is closed');
      expect(html).toContain(formatLondonTime(closedAt));
      // Shown escaped, like every text on the page.
      expect(html).toContain('Found &lt;safe&gt; in Camden; this alert is closed.');
      expect(html).not.toContain('<form');
    }
    const api409 = await api(`/v1/alerts/${alert.alertId}/acknowledgements`, camden.respondKey, {
      method: 'POST',
      body: '{}',
    });
    expect(api409.status).toBe(409);
    expect(((await api409.json()) as { detail: string }).detail).toMatch(/closed/);
    expect(await acknowledgementRows(alert.alertId)).toEqual([]);
    expect(await alertRow(alert.alertId)).toMatchObject({ state: 'closed', acknowledged_at: null });
  });

  it('says a superseded alert cannot be acknowledged (409), pointing to the newer alert', async () => {
    const alert = await deliveredAlert(camden);
    const newer = await deliveredAlert(hackney);
    await rows(
      `UPDATE $schema.alert SET state = 'superseded', superseded_by = $2, superseded_at = now()
        WHERE id = $1`,
      [alert.alertId, newer.alertId],
    );
    const response = await submit(linkPath(alert, camden, alert.deliveryIds.get(camden)!));
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('acknowledge that one');
    const viaApi = await api(`/v1/alerts/${alert.alertId}/acknowledgements`, camden.respondKey, {
      method: 'POST',
      body: '{}',
    });
    expect(viaApi.status).toBe(409);
    expect(((await viaApi.json()) as { detail: string }).detail).toMatch(/superseded/);
    expect(await acknowledgementRows(alert.alertId)).toEqual([]);
  });

  it('shows the form again when the response is too long, recording nothing', async () => {
    const alert = await deliveredAlert(camden);
    const response = await submit(
      linkPath(alert, camden, alert.deliveryIds.get(camden)!),
      'x'.repeat(501),
    );
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('must be at most 500 characters');
    expect(html).toContain('<form method="post">');
    expect(await acknowledgementRows(alert.alertId)).toEqual([]);
  });

  it('acknowledges over REST for a recipient, once per organisation, and emits the event', async () => {
    const alert = await deliveredAlert(camden);
    const path = `/v1/alerts/${alert.alertId}/acknowledgements`;

    const first = await api(path, camden.respondKey, {
      method: 'POST',
      body: JSON.stringify({ response: 'Two officers on their way' }),
    });
    expect(first.status).toBe(201);
    const created = (await first.json()) as { acknowledgementId: string; via: string };
    expect(created).toMatchObject({
      alertId: alert.alertId,
      organisation: { id: camden.organisationId, name: `Camden MPU ${run}` },
      via: 'api',
      actor: expect.stringMatching(/^api-key:/) as unknown,
      response: 'Two officers on their way',
    });
    expect(await alertRow(alert.alertId)).toMatchObject({ state: 'acknowledged' });
    expect(await timerStates(alert.alertId)).toEqual(['0:fired', '1:cancelled', '2:cancelled']);
    const [stored] = await acknowledgementRows(alert.alertId);
    expect(stored?.response).toBeNull();
    expectEncrypted(stored?.response_encrypted, 'Two officers on their way');

    const repeated = await api(path, camden.respondKey, {
      method: 'POST',
      body: JSON.stringify({ response: 'changed my mind' }),
    });
    expect(repeated.status).toBe(200);
    expect(await repeated.json()).toEqual(created);
    expect(await acknowledgementRows(alert.alertId)).toHaveLength(1);

    const [event] = await expectEventually(
      () => {
        const found = eventsFor(alert.alertId);
        if (found.length === 0) throw new Error('not yet');
        return found;
      },
      { timeoutMs: 30_000, description: 'harbour.alert.acknowledged for the REST acknowledgement' },
    );
    expect(event?.data).toMatchObject({
      alertId: alert.alertId,
      organisationId: camden.organisationId,
      note: 'Two officers on their way',
    });
    expect(event?.data).not.toHaveProperty('deliveryId');
    // One acknowledgement, one event; the repeat only returned the first.
    await relay.kick();
    expect(eventsFor(alert.alertId)).toHaveLength(1);
  });

  it('answers 404 to a non-recipient and for an unknown alert, alike', async () => {
    const alert = await deliveredAlert(camden);
    const post = (alertId: string) =>
      api(`/v1/alerts/${alertId}/acknowledgements`, outsider.respondKey, {
        method: 'POST',
        body: '{}',
      });
    const notRecipient = await post(alert.alertId);
    const unknown = await post(randomUUID());
    expect(notRecipient.status).toBe(404);
    expect(unknown.status).toBe(404);
    const bodies = [await notRecipient.json(), await unknown.json()] as { detail: string }[];
    expect(bodies[0]?.detail).toBe(bodies[1]?.detail);
    expect(await acknowledgementRows(alert.alertId)).toEqual([]);
    expect(await alertRow(alert.alertId)).toMatchObject({ state: 'open' });
  });

  it('validates the body (400 problem) and needs the respond role (403)', async () => {
    const alert = await deliveredAlert(camden);
    const path = `/v1/alerts/${alert.alertId}/acknowledgements`;
    for (const body of [
      { response: 'x'.repeat(501) },
      { response: 42 },
      { reply: 'unknown field' },
    ]) {
      const response = await api(path, camden.respondKey, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const readOnly = await api(path, camden.readKey, { method: 'POST', body: '{}' });
    expect(readOnly.status).toBe(403);
    expect(await acknowledgementRows(alert.alertId)).toEqual([]);
  });

  it('lists acknowledgements: own for a recipient, all for a coordinator admin, 404 otherwise', async () => {
    const alert = await deliveredAlert(camden, hackney);
    const path = `/v1/alerts/${alert.alertId}/acknowledgements`;
    await submit(linkPath(alert, camden, alert.deliveryIds.get(camden)!), 'on our way');
    await api(path, hackney.respondKey, { method: 'POST', body: '{}' });

    const own = (await (await api(path, camden.readKey)).json()) as {
      state: string;
      acknowledgements: { organisation: { id: string }; response: string | null }[];
    };
    expect(own.state).toBe('acknowledged');
    expect(own.acknowledgements).toEqual([
      expect.objectContaining({
        organisation: { id: camden.organisationId, name: `Camden MPU ${run}` },
        via: 'link',
        response: 'on our way',
      }),
    ]);

    const all = (await (await api(path, coordinatorAdminKey)).json()) as {
      acknowledgements: { organisation: { id: string } }[];
    };
    expect(all.acknowledgements.map((a) => a.organisation.id).sort()).toEqual(
      [camden.organisationId, hackney.organisationId].sort(),
    );

    expect((await api(path, outsider.readKey)).status).toBe(404);
  });
});
