import { randomUUID } from 'node:crypto';
import {
  createLogger,
  defaultSettings,
  openServiceDatabase,
  RetentionPurge,
  type ServiceDatabase,
  verifyAuditChain,
} from '@harbour/platform';
import { createTestSchema, testDatabaseUrl, type TestSchema } from '@harbour/testing';
import { ACCOMMODATION_MIGRATIONS } from '../accommodation-runtime';
import { ACCOMMODATION_RETENTION_POLICY } from './accommodation-retention-policy';

jest.setTimeout(60_000);

const logger = createLogger({ service: 'accommodation-retention-test', level: 'silent' });
const CROYDON = 'E09000008';
/** Stands in for ciphertext and free text: found in an erased row, the erasure missed it. */
const MARKER = `SECRET${randomUUID().replaceAll('-', '')}`;
const sealed = `v1.${MARKER}`;

const daysAgo = (days: number): Date => new Date(Date.now() - days * 86_400_000);

describe('accommodation retention purge (real Postgres)', () => {
  let schema: TestSchema;
  let database: ServiceDatabase;
  let propertyId: string;
  const s = () => `"${schema.schema}"`;
  const query = <T>(sql: string, parameters: unknown[] = []) =>
    database.dataSource.query<T[]>(sql, parameters);
  const rows = (table: string, where: string, id: string) =>
    query<Record<string, unknown>>(`SELECT * FROM ${s()}.${table} WHERE ${where} = $1`, [id]);

  beforeAll(async () => {
    schema = await createTestSchema('acc_retention');
    database = await openServiceDatabase({
      service: 'accommodation',
      databaseUrl: testDatabaseUrl(),
      schema: schema.schema,
      migrations: ACCOMMODATION_MIGRATIONS,
    });
    propertyId = randomUUID();
    await query(
      `INSERT INTO ${s()}.property
        (id, provider_organisation_id, label, borough, postcode_district, gender_served, ages,
         support_level, nrm_stages, nrpf_accepted, beds, available_beds,
         availability_confirmed_at, registered_at)
       VALUES ($1, $2, 'House', $3, 'CR0', 'male', '{adult}', 'emergency', '{pre_nrm}', true, 4, 2,
               now(), now())`,
      [propertyId, randomUUID(), CROYDON],
    );
  });

  afterAll(async () => {
    await database.close();
    await schema.drop();
  });

  const purge = () =>
    new RetentionPurge({
      dataSource: database.dataSource,
      policy: ACCOMMODATION_RETENTION_POLICY,
      settings: defaultSettings(ACCOMMODATION_RETENTION_POLICY),
      logger,
    });

  async function bedRequest(state: 'open' | 'placed' | 'unmatched', daysOld: number) {
    const id = randomUUID();
    await query(
      `INSERT INTO ${s()}.bed_request
        (id, requester_organisation_id, requester_organisation_kind, borough, needs, urgency,
         exclusion_zones, urgency_kind, match_by, person_encrypted, submitted_at, state, closed_at,
         closed_reason)
       VALUES ($1, $2, 'police_borough', $3, '{"gender": "male"}', '{"kind": "tonight"}', $4,
               'tonight', $5, $6, $5, $7, $8, $9)`,
      [
        id,
        randomUUID(),
        CROYDON,
        JSON.stringify({
          boroughs: ['E09000025'],
          around: [{ postcode: 'E15 1AA', borough: 'E09000025', radiusKm: 8, note: MARKER }],
        }),
        daysAgo(daysOld),
        sealed,
        state,
        state === 'open' ? null : daysAgo(daysOld),
        state === 'open' ? null : state,
      ],
    );
    return id;
  }

  async function offer(
    requestId: string,
    state: 'offered' | 'accepted' | 'declined',
    daysOld: number,
  ) {
    const id = randomUUID();
    await query(
      `INSERT INTO ${s()}.offer
        (id, request_id, property_id, provider_organisation_id, rank, explanation, state,
         decline_reason, offered_at, hold_expires_at, decided_at)
       VALUES ($1, $2, $3, $4, 1, '[]', $5, $6, $7, $7, $8)`,
      [
        id,
        requestId,
        propertyId,
        randomUUID(),
        state,
        state === 'declined' ? `He stayed here before as ${MARKER}` : null,
        daysAgo(daysOld),
        state === 'offered' ? null : daysAgo(daysOld),
      ],
    );
    return id;
  }

  it('erases closed requests and their offers to a shell, keeps placements and open requests, and records the run', async () => {
    const placed = await bedRequest('placed', 100);
    const accepted = await offer(placed, 'accepted', 100);
    const declined = await offer(placed, 'declined', 100);
    const placementId = randomUUID();
    await query(
      `INSERT INTO ${s()}.placement
        (id, request_id, offer_id, property_id, provider_organisation_id, confirmed_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [placementId, placed, accepted, propertyId, randomUUID(), daysAgo(100)],
    );
    const stillOpen = await bedRequest('open', 400);
    const liveOffer = await offer(stillOpen, 'offered', 1);
    const declinedWhileOpen = await offer(stillOpen, 'declined', 300);
    const recentlyUnmatched = await bedRequest('unmatched', 10);

    const oldChange = randomUUID();
    await query(
      `INSERT INTO ${s()}.availability_change
        (property_id, changed_at, changed_by_organisation_id, kind, available_after)
       VALUES ($1, $2, $3, 'changed', 2), ($1, now(), $3, 'confirmed', 2)`,
      [propertyId, daysAgo(400), oldChange],
    );
    const oldReply = randomUUID();
    await query(
      `INSERT INTO ${s()}.idempotency_record
        (organisation_id, idempotency_key, request_hash, response_encrypted, created_at)
       VALUES ($1, $2, 'hash', $3, $4), ($1, $5, 'hash', $3, now())`,
      [randomUUID(), oldReply, sealed, daysAgo(40), randomUUID()],
    );

    const run = await purge().runOnce();
    expect(run.counts).toEqual({
      bed_request: 1,
      offer: 2,
      availability_change: 1,
      idempotency_record: 1,
      outbox: 0,
      inbox: 0,
    });

    const [shell] = await rows('bed_request', 'id', placed);
    expect(shell).toMatchObject({
      person_encrypted: null,
      exclusion_zones: { boroughs: ['E09000025'], around: [] },
      needs: { gender: 'male' },
      state: 'placed',
    });
    expect(shell?.erased_at).toBeInstanceOf(Date);
    expect(JSON.stringify(shell)).not.toContain(MARKER);
    for (const id of [accepted, declined]) {
      const [erased] = await rows('offer', 'id', id);
      expect(erased?.decline_reason).toBeNull();
      expect(erased?.erased_at).toBeInstanceOf(Date);
    }
    // The placement keeps its foreign keys whole: request, offer and property are all still there.
    expect(await rows('placement', 'id', placementId)).toHaveLength(1);

    for (const id of [stillOpen, recentlyUnmatched]) {
      expect(JSON.stringify(await rows('bed_request', 'id', id))).toContain(MARKER);
    }
    expect((await rows('offer', 'id', liveOffer))[0]?.erased_at).toBeNull();
    expect(JSON.stringify(await rows('offer', 'id', declinedWhileOpen))).toContain(MARKER);

    expect(await rows('availability_change', 'changed_by_organisation_id', oldChange)).toHaveLength(
      1,
    );
    expect(
      await query(`SELECT 1 FROM ${s()}.availability_change WHERE changed_at < $1`, [daysAgo(365)]),
    ).toEqual([]);
    expect(await rows('idempotency_record', 'idempotency_key', oldReply)).toEqual([]);
    expect(await query(`SELECT 1 FROM ${s()}.idempotency_record`)).toHaveLength(1);

    const entries = await query<{ details: { counts: unknown }; actor: unknown }>(
      `SELECT details, actor FROM ${s()}.audit_log WHERE action = 'retention.purge'`,
    );
    expect(entries).toEqual([
      {
        actor: { type: 'system', component: 'accommodation' },
        details: expect.objectContaining({
          counts: { bed_request: 1, offer: 2, availability_change: 1, idempotency_record: 1 },
        }) as unknown,
      },
    ]);
    expect(await verifyAuditChain(database.dataSource)).toMatchObject({ intact: true });

    const again = await purge().runOnce();
    expect(again.total).toBe(0);
    expect(
      await query(`SELECT 1 FROM ${s()}.audit_log WHERE action = 'retention.purge'`),
    ).toHaveLength(1);
  });
});
