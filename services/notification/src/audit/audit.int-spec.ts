import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { AlertRequested, DisclosureLevel, OrganisationKind } from '@harbour/contracts';
import {
  type AuditEntry,
  type AuditEntryView,
  createLogger,
  openServiceDatabase,
  type Role,
} from '@harbour/platform';
import { createTestSchema, testDatabaseUrl, type TestSchema, uniqueName } from '@harbour/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import {
  type Acknowledgements,
  openAcknowledgements,
} from '../acknowledgement/open-acknowledgements';
import { AlertRepository } from '../alerts/alert-repository';
import type { DeliveryChannel, OutgoingDelivery } from '../channels/delivery-channel';
import { addContact } from '../cli/contact-commands';
import { type CliContext, cliAudit } from '../cli/cli-context';
import { CliError } from '../cli/cli-error';
import { verifyAudit } from '../cli/audit-commands';
import { issueKey, revokeKey } from '../cli/key-commands';
import { addOrganisation } from '../cli/organisation-commands';
import { compileCli } from '../cli/test-support/compiled-cli';
import { DeliverAlert } from '../delivery/deliver-alert';
import { DeliveryRepository } from '../delivery/delivery-repository';
import { DirectoryRepository } from '../directory/directory-repository';
import { importDirectory } from '../directory/directory-transfer';
import { NOTIFICATION_MIGRATIONS } from '../migrations';
import {
  NO_RELAY,
  notificationTestOutbox,
  startGuardedTestApp,
  testFieldCipher,
  testWebhookSecrets,
} from '../test-support/notification-test-harness';
import { AUDIT_LOGS } from '../tokens';
import { AuditController } from './audit.controller';

jest.setTimeout(90_000);

const CAMDEN = 'E09000007';

/** A channel that accepts everything and remembers what it was given. */
class AcceptingChannel implements DeliveryChannel {
  readonly sent: OutgoingDelivery[] = [];
  constructor(readonly kind: 'email' | 'webhook') {}
  send(message: OutgoingDelivery): Promise<{ providerResponse: string }> {
    this.sent.push(message);
    return Promise.resolve({ providerResponse: '250 accepted' });
  }
}

/**
 * The notification audit chain with real Postgres: disclosures above the notice as they are
 * sent, acknowledgements, directory changes and keys (through the CLI's own functions), what a
 * rolled-back change leaves (nothing), tampering found by `harbour audit verify`, and
 * `GET /v1/audit` for coordinators' administrators only.
 */
describe('the audit log of notification', () => {
  const logger = createLogger({ service: 'audit-test', level: 'silent' });
  const cipher = testFieldCipher();
  const run = uniqueName('audit');
  let schema: TestSchema;
  let identitySchema: TestSchema;
  let context: CliContext;
  let dataSource: DataSource;
  let owner: Client;
  let deliveries: DeliveryRepository;
  let alerts: AlertRepository;
  let deliver: DeliverAlert;
  let acknowledgements: Acknowledgements;
  let channel: AcceptingChannel;
  let app: INestApplication;
  let baseUrl: string;
  let police: Partner;
  let ngo: Partner;
  const keys = new Map<string, string>();

  beforeAll(async () => {
    schema = await createTestSchema('notification_audit');
    identitySchema = await createTestSchema('identity_audit');
    const database = await openServiceDatabase({
      service: 'notification',
      databaseUrl: testDatabaseUrl(),
      schema: schema.schema,
      migrations: NOTIFICATION_MIGRATIONS,
      identitySchema: identitySchema.schema,
    });
    dataSource = database.dataSource;
    // What `harbour` commands run against: the same two stores.
    const webhookSecrets = testWebhookSecrets(dataSource, cipher);
    context = {
      identity: database.identity,
      dataSource,
      directory: new DirectoryRepository(dataSource, webhookSecrets),
      webhookSecrets,
      // This test database holds no other service's chain (service-chains.int-spec reads one).
      serviceAudit: () => Promise.resolve(null),
      close: () => database.close(),
    };
    owner = new Client({ connectionString: testDatabaseUrl() });
    await owner.connect();
    deliveries = new DeliveryRepository(dataSource);
    alerts = new AlertRepository(dataSource);
    channel = new AcceptingChannel('email');
    deliver = new DeliverAlert({
      dataSource,
      alerts,
      deliveries,
      channels: [channel, new AcceptingChannel('webhook')],
      webhookSecrets: testWebhookSecrets(dataSource, cipher),
      outbox: notificationTestOutbox(schema),
      relay: NO_RELAY,
      logger,
      maxAttempts: 1,
    });
    acknowledgements = openAcknowledgements({
      config: {
        NOTIFICATION_ACK_SECRET: 'audit-test-secret-0123456789-abcdefghijklmn',
        NOTIFICATION_PUBLIC_URL: 'http://127.0.0.1:8083',
        NOTIFICATION_ACK_GRACE_MINUTES: 60,
      },
      dataSource,
      cipher,
      outbox: notificationTestOutbox(schema),
      relay: NO_RELAY,
      logger,
    });

    ({ app, baseUrl } = await startGuardedTestApp({
      service: 'audit-test',
      logger,
      identity: context.identity,
      controllers: [AuditController],
      providers: [
        {
          provide: AUDIT_LOGS,
          useValue: { notification: context.directory.audit, identity: context.identity.audit },
        },
      ],
    }));

    police = await partner('Camden Police', 'police_borough');
    ngo = await partner('Hope NGO', 'ngo');
  });

  afterAll(async () => {
    await app.close();
    await owner.end();
    await context.close();
    await schema.drop();
    await identitySchema.drop();
  });

  /** An organisation's id and its contact on one channel. */
  interface Partner {
    id: string;
    contactId: string;
    webhookContactId: string;
  }

  /**
   * An organisation with an e-mail and a webhook contact, added as an administrator would, with
   * the CLI.
   */
  async function partner(name: string, kind: OrganisationKind): Promise<Partner> {
    const { organisation } = await addOrganisation(context, {
      name: `${name} ${run}`,
      kind,
      boroughs: [CAMDEN],
    });
    const { contact } = await addContact(context, {
      organisationId: organisation.id,
      email: `duty.${randomUUID()}@test.harbour.localhost`,
    });
    const { contact: webhook } = await addContact(context, {
      organisationId: organisation.id,
      webhook: `https://partner.example/harbour/${organisation.id}`,
    });
    return { id: organisation.id, contactId: contact.id, webhookContactId: webhook.id };
  }

  async function key(kind: OrganisationKind, roles: Role[]): Promise<string> {
    const cached = keys.get(`${kind}:${roles.join()}`);
    if (cached !== undefined) return cached;
    const organisation = await context.identity.createOrganisation({
      name: `${kind} ${run}`,
      kind,
      boroughs: ['pan_london'],
    });
    const issued = await context.identity.issueApiKey({
      organisationId: organisation.id,
      roles,
      label: run,
    });
    keys.set(`${kind}:${roles.join()}`, issued.key);
    return issued.key;
  }

  const entriesOf = async (
    chain: 'notification' | 'identity',
    resourceId?: string,
  ): Promise<AuditEntry[]> =>
    (
      await (chain === 'notification' ? context.directory.audit : context.identity.audit).page({
        limit: 500,
        ...(resourceId === undefined ? {} : { resourceId }),
      })
    ).entries;

  /** An alert at `level` with a pending delivery to each recipient; the delivery ids. */
  /** An alert with a pending delivery to each recipient, by e-mail unless `webhook` is said. */
  async function alertFor(
    level: DisclosureLevel,
    ...recipients: (Partner | 'webhook')[]
  ): Promise<{ alertId: string; deliveryIds: string[] }> {
    const channel = recipients.includes('webhook') ? 'webhook' : 'email';
    const partners = recipients.filter((r): r is Partner => r !== 'webhook');
    const request: AlertRequested = {
      alertId: randomUUID(),
      cause: { kind: 'missing_episode', id: randomUUID(), eventId: randomUUID() },
      severity: 'critical',
      acknowledgeWithinMinutes: 30,
      audience: { roles: ['police_borough', 'ngo'], boroughs: [CAMDEN] },
      disclosure: { level },
      summary: { title: 'Missing child — Camden', lines: [{ label: 'Risk', value: 'high' }] },
      requestedAt: new Date().toISOString(),
    };
    const deliveryIds = await dataSource.transaction(async (manager) => {
      await alerts.record(request, manager);
      return deliveries.addPending(
        partners.map((r) => ({
          alertId: request.alertId,
          organisationId: r.id,
          contactId: channel === 'email' ? r.contactId : r.webhookContactId,
          channel,
          address:
            channel === 'email'
              ? `duty.${r.id}@test.harbour.localhost`
              : `https://partner.example/harbour/${r.id}`,
          matchedRule: `role=test & borough=${CAMDEN}`,
        })),
        manager,
      );
    });
    return { alertId: request.alertId, deliveryIds };
  }

  it('records directory changes and keys with who made them: ids, never addresses', async () => {
    const { organisation } = await addOrganisation(context, {
      name: `Islington MPU ${run}`,
      kind: 'missing_person_unit',
      boroughs: ['E09000019'],
    });
    const email = `mpu.${randomUUID()}@test.harbour.localhost`;
    const emailContact = await addContact(context, { organisationId: organisation.id, email });
    const webhook = await addContact(context, {
      organisationId: organisation.id,
      webhook: 'https://partner.example/harbour',
    });
    // Again: nothing changed, nothing recorded.
    await addContact(context, { organisationId: organisation.id, email });
    const issued = await issueKey(context, { organisationId: organisation.id, roles: ['read'] });
    await revokeKey(context, issued.keyId);
    const importedId = randomUUID();
    const imported = await importDirectory(
      context,
      {
        organizations: [
          {
            id: importedId,
            name: `Imported NGO ${run}`,
            x_harbour_kind: 'ngo',
            services: [
              {
                id: importedId,
                name: 'alerts',
                status: 'active',
                service_areas: [
                  { id: 'a', name: 'London', extent_type: 'pan_london', extent: 'pan_london' },
                ],
                languages: [],
                x_harbour_specialisms: [],
                x_harbour_age_groups: [],
                contacts: [
                  { id: 'c1', name: 'duty', email: `imported.${run}@test.harbour.localhost` },
                ],
              },
            ],
          },
        ],
      },
      cliAudit('directory import'),
    );
    expect(imported).toMatchObject({ ok: true, organisations: { created: 1 } });

    const notification = await entriesOf('notification');
    const about = (id: string): string[] =>
      notification.filter((e) => e.resource.id === id).map((e) => e.action);
    expect(about(organisation.id)).toEqual(['directory.organisation.added']);
    expect(about(importedId)).toEqual(['directory.organisation.added']);
    expect(about(emailContact.contact.id)).toEqual(['directory.contact.added']);
    expect(about(webhook.contact.id)).toEqual(['directory.webhook.added']);
    expect(notification.find((e) => e.resource.id === emailContact.contact.id)).toMatchObject({
      actor: { type: 'system', component: 'cli' },
      reason: 'harbour contact add',
      details: { organisationId: organisation.id, channel: 'email' },
    });
    expect(notification[0]).toMatchObject({
      action: 'directory.import',
      reason: 'harbour directory import',
      details: { organisationsCreated: 1, contactsCreated: 1 },
    });

    const identity = await entriesOf('identity');
    expect(
      identity
        .filter((e) => e.resource.id === issued.keyId)
        .map((e) => [e.action, e.reason])
        .reverse(),
    ).toEqual([
      ['key.issued', 'harbour key issue'],
      ['key.revoked', 'harbour key revoke'],
    ]);
    expect(identity.find((e) => e.resource.id === organisation.id)?.action).toBe(
      'identity.organisation.added',
    );

    const text = JSON.stringify([...notification, ...identity]);
    expect(text).not.toContain(email);
    expect(text).not.toContain('partner.example');
    // The secret is everything after the second underscore (it may itself hold underscores).
    expect(text).not.toContain(issued.key.split('_').slice(2).join('_'));
  });

  it('records a webhook sent above the notice, the level its recipient saw, and the rule', async () => {
    const personal = await alertFor('personal', 'webhook', police, ngo);
    const notice = await alertFor('notice', 'webhook', police);
    for (const id of [...personal.deliveryIds, ...notice.deliveryIds]) {
      expect(await deliver.execute(id)).toEqual({ kind: 'sent' });
    }
    const [toPolice, toNgo] = personal.deliveryIds;

    const recorded = await entriesOf('notification', personal.alertId);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      action: 'disclosure.personal',
      actor: { type: 'system', component: 'notification' },
      resource: { kind: 'alert', id: personal.alertId },
      reason: `role=test & borough=${CAMDEN}`,
      details: {
        deliveryId: toPolice,
        organisationId: police.id,
        organisationKind: 'police_borough',
        contactId: police.webhookContactId,
        channel: 'webhook',
        purpose: 'alert',
      },
    });
    // The NGO was sent the notice only (it is not cleared for personal details): not audited.
    expect(JSON.stringify(recorded)).not.toContain(toNgo);
    expect(await entriesOf('notification', notice.alertId)).toEqual([]);
  });

  it('records an e-mail’s details when its link shows them, not when it is sent (a notice)', async () => {
    const { alertId, deliveryIds } = await alertFor('personal', police);
    const [toPolice] = deliveryIds;
    if (toPolice === undefined) throw new Error('no delivery');
    expect(await deliver.execute(toPolice)).toEqual({ kind: 'sent' });
    const sent = channel.sent.find((m) => m.deliveryId === toPolice);
    if (sent?.channel !== 'email') throw new Error('expected an e-mail');
    expect(sent.content.text).not.toContain('Risk: high');
    expect(await entriesOf('notification', alertId)).toEqual([]);

    const token = acknowledgements.links.tokenFor({
      alertId,
      organisationId: police.id,
      deliveryId: toPolice,
      acknowledgeBy: new Date(Date.now() + 3_600_000),
    });
    const shown = await acknowledgements.details.show(token);
    expect(shown).toMatchObject({ kind: 'details', view: { level: 'personal' } });
    const shownEntries = await entriesOf('notification', alertId);
    expect(shownEntries).toHaveLength(1);
    expect(shownEntries[0]).toMatchObject({
      action: 'disclosure.personal',
      actor: {
        type: 'link',
        organisationId: police.id,
        organisationKind: 'police_borough',
        deliveryId: toPolice,
      },
      reason: `role=test & borough=${CAMDEN}`,
      details: { channel: 'email', shownBy: 'acknowledgement link' },
    });
  });

  it('leaves no entry when the change rolls back', async () => {
    const { alertId, deliveryIds } = await alertFor('operational', 'webhook', police);
    const [deliveryId] = deliveryIds;
    if (deliveryId === undefined) throw new Error('no delivery');
    await expect(
      dataSource.transaction(async (manager) => {
        expect(await deliveries.markSent(deliveryId, new Date(), manager)).toBe(true);
        expect(await entriesOf('notification', alertId)).toEqual([]); // not committed yet
        throw new Error('the transaction fails after the send was recorded');
      }),
    ).rejects.toThrow('fails after');
    expect((await deliveries.find(deliveryId))?.status).toBe('pending');
    expect(await entriesOf('notification', alertId)).toEqual([]);

    const organisationId = randomUUID();
    await expect(
      dataSource.transaction(async (manager) => {
        await context.directory.addOrganisation(
          { id: organisationId, name: `Doomed ${run}`, kind: 'ngo', boroughs: [CAMDEN] },
          manager,
        );
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await context.directory.findOrganisation(organisationId)).toBeNull();
    expect(await entriesOf('notification', organisationId)).toEqual([]);

    // Committed, the same send is recorded.
    expect(await deliver.execute(deliveryId)).toEqual({ kind: 'sent' });
    expect((await entriesOf('notification', alertId)).map((e) => e.action)).toEqual([
      'disclosure.operational',
    ]);
  });

  it('records a console acknowledgement as the signed-in person, with the session, not as a key', async () => {
    const { alertId } = await alertFor('operational', police);
    const personId = randomUUID();
    const sessionId = randomUUID();
    const done = await acknowledgements.acknowledge.acknowledgeByApi({
      alertId,
      organisationId: police.id,
      keyId: sessionId,
      personId,
      response: 'On our way',
    });
    expect(done.kind).toBe('created');
    if (done.kind !== 'created') return;
    expect(done.acknowledgement.actor).toBe(`person:${personId}`);
    const recorded = (await entriesOf('notification', alertId)).filter(
      (e) => e.action === 'acknowledgement',
    );
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.actor).toEqual({
      type: 'person',
      organisationId: police.id,
      organisationKind: 'police_borough',
      personId,
      sessionId,
    });
    expect(JSON.stringify(recorded)).not.toContain('On our way');
  });

  it('records acknowledgements by API key and by link with the key or the delivery, not the text', async () => {
    const { alertId, deliveryIds } = await alertFor('operational', police, ngo);
    const [toPolice, toNgo] = deliveryIds;
    if (toPolice === undefined || toNgo === undefined) throw new Error('no deliveries');
    const keyId = randomUUID();
    const api = await acknowledgements.acknowledge.acknowledgeByApi({
      alertId,
      organisationId: police.id,
      keyId,
      response: 'Two officers attending; Ana is known to us',
    });
    expect(api.kind).toBe('created');
    const token = acknowledgements.links.tokenFor({
      alertId,
      organisationId: ngo.id,
      deliveryId: toNgo,
      acknowledgeBy: new Date(Date.now() + 3_600_000),
    });
    expect((await acknowledgements.acknowledge.acknowledgeByLink(token, null)).kind).toBe(
      'acknowledged',
    );

    const recorded = (await entriesOf('notification', alertId)).reverse();
    expect(recorded.map((e) => [e.action, e.actor.type, e.reason])).toEqual([
      ['acknowledgement', 'api_key', 'acknowledgement API'],
      ['acknowledgement', 'link', 'acknowledgement link'],
    ]);
    expect(recorded[0]?.actor).toEqual({
      type: 'api_key',
      organisationId: police.id,
      organisationKind: 'police_borough',
      keyId,
    });
    expect(recorded[1]?.actor).toEqual({
      type: 'link',
      organisationId: ngo.id,
      organisationKind: 'ngo',
      deliveryId: toNgo,
    });
    expect(JSON.stringify(recorded)).not.toContain('Ana');
  });

  it('keeps one chain when many changes commit at once', async () => {
    const { organisation } = await addOrganisation(context, {
      name: `Busy NGO ${run}`,
      kind: 'ngo',
      boroughs: [CAMDEN],
    });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        context.directory.addContact({
          organisationId: organisation.id,
          channel: 'email',
          address: `busy.${i}.${run}@test.harbour.localhost`,
        }),
      ),
    );
    const verified = await verifyAudit(context, { chain: 'notification' });
    const all = await entriesOf('notification');
    expect(verified[0]).toMatchObject({ head: { seq: all.length } });
    expect(all.filter((e) => e.details['organisationId'] === organisation.id)).toHaveLength(40);
  });

  describe('GET /v1/audit', () => {
    const get = async (path: string, apiKey?: string): Promise<Response> =>
      fetch(`${baseUrl}${path}`, {
        headers: apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` },
      });

    it('gives a coordinator’s administrator the entries, newest first, filtered and paged', async () => {
      const admin = await key('coordinator', ['admin']);
      const response = await get('/v1/audit?limit=3', admin);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { entries: AuditEntryView[]; next: number | null };
      expect(page.entries).toHaveLength(3);
      const seqs = page.entries.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
      expect(page.next).toBe(seqs[2]);
      const older = (await (await get(`/v1/audit?limit=3&before=${page.next}`, admin)).json()) as {
        entries: AuditEntryView[];
      };
      expect(older.entries[0]?.seq).toBe((seqs[2] ?? 0) - 1);

      const disclosures = (await (
        await get('/v1/audit?action=disclosure.&limit=500', admin)
      ).json()) as { entries: AuditEntryView[] };
      expect(disclosures.entries.length).toBeGreaterThanOrEqual(2);
      expect(disclosures.entries.every((e) => e.action.startsWith('disclosure.'))).toBe(true);

      const keysPage = (await (
        await get('/v1/audit?chain=identity&action=key.revoked', admin)
      ).json()) as { entries: AuditEntryView[] };
      expect(keysPage.entries.length).toBeGreaterThanOrEqual(1);

      const future = new Date(Date.now() + 3_600_000).toISOString();
      const none = (await (
        await get(`/v1/audit?from=${encodeURIComponent(future)}`, admin)
      ).json()) as { entries: AuditEntryView[] };
      expect(none.entries).toEqual([]);
    });

    it('exports NDJSON oldest first that links up', async () => {
      const admin = await key('coordinator', ['admin']);
      const response = await get('/v1/audit/export', admin);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const lines = (await response.text()).trimEnd().split('\n');
      const entries = lines.map((line) => JSON.parse(line) as AuditEntryView);
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
      for (const [i, e] of entries.entries()) {
        if (i > 0) expect(e.prevHash).toBe(entries[i - 1]?.hash);
      }
    });

    it('refuses everyone else, and bad parameters', async () => {
      expect((await get('/v1/audit')).status).toBe(401);
      expect((await get('/v1/audit', await key('coordinator', ['read']))).status).toBe(403);
      expect((await get('/v1/audit', await key('police_borough', ['admin']))).status).toBe(403);
      expect((await get('/v1/audit/export', await key('ngo', ['admin']))).status).toBe(403);
      const bad = await get('/v1/audit?limit=0&action=nope', await key('coordinator', ['admin']));
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });
  });

  it('finds a tampered entry, and `harbour audit verify` exits non-zero naming it', async () => {
    const cli = compileCli();
    const env = {
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      NOTIFICATION_DB_SCHEMA: schema.schema,
      LOG_LEVEL: 'silent',
    };
    const table = `"${schema.schema}".audit_log`;
    try {
      const intact = await cli.run(['audit', 'verify', '--chain', 'notification'], env);
      expect(intact).toMatchObject({ code: 0, stderr: '' });
      expect(intact.stdout.trim()).toMatch(
        /^notification: intact, \d+ entries, head notification:\d+:[0-9a-f]{64}$/,
      );

      await expect(
        owner.query(`UPDATE ${table} SET reason = 'nothing to see' WHERE seq = 3`),
      ).rejects.toThrow('append-only');
      const [original] = (
        await owner.query<{ reason: string }>(`SELECT reason FROM ${table} WHERE seq = 3`)
      ).rows;
      // The table's owner can switch the trigger off: only verification catches what follows.
      await owner.query(`ALTER TABLE ${table} DISABLE TRIGGER audit_log_append_only`);
      try {
        await owner.query(`UPDATE ${table} SET reason = 'nothing to see' WHERE seq = 3`);
        await expect(verifyAudit(context, { chain: 'notification' })).rejects.toThrow(CliError);
        const broken = await cli.run(['audit', 'verify'], env);
        expect(broken.code).toBe(2);
        expect(broken.stderr).toContain(
          'notification audit chain is broken at entry 3: its hash does not match its contents',
        );
      } finally {
        await owner.query(`UPDATE ${table} SET reason = $1 WHERE seq = 3`, [original?.reason]);
        await owner.query(`ALTER TABLE ${table} ENABLE TRIGGER audit_log_append_only`);
      }

      expect((await cli.run(['audit', 'verify', '--chain', 'notification'], env)).code).toBe(0);
      const exported = await cli.run(['audit', 'export', '--chain', 'notification'], env);
      expect(exported.code).toBe(0);
      const lines = exported.stdout.trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(3);
      expect((JSON.parse(lines.at(-1) ?? '{}') as { seq: number }).seq).toBe(lines.length);
    } finally {
      cli.remove();
    }
  });
});
