import { randomUUID } from 'node:crypto';
import {
  createLogger,
  defaultSettings,
  type Logger,
  openServiceDatabase,
  RetentionPurge,
  type RetentionSettings,
  type ServiceDatabase,
  verifyAuditChain,
} from '@harbour/platform';
import {
  createTestSchema,
  expectEventually,
  testDatabaseUrl,
  type TestSchema,
} from '@harbour/testing';
import { INTAKE_MIGRATIONS } from '../intake-runtime';
import { INTAKE_RETENTION_POLICY } from './intake-retention-policy';

jest.setTimeout(60_000);

const logger = createLogger({ service: 'intake-retention-test', level: 'silent' });
const CAMDEN = 'E09000007';
/** Stands in for ciphertext: if it is anywhere in an erased row, the erasure missed a column. */
const MARKER = `SECRET${randomUUID().replaceAll('-', '')}`;
const sealed = `v1.${MARKER}`;

const daysAgo = (days: number): Date => new Date(Date.now() - days * 86_400_000);

describe('intake retention purge (real Postgres)', () => {
  let schema: TestSchema;
  let database: ServiceDatabase;
  const s = () => `"${schema.schema}"`;
  const query = <T>(sql: string, parameters: unknown[] = []) =>
    database.dataSource.query<T[]>(sql, parameters);

  beforeAll(async () => {
    schema = await createTestSchema('intake_retention');
    database = await openServiceDatabase({
      service: 'intake',
      databaseUrl: testDatabaseUrl(),
      schema: schema.schema,
      migrations: INTAKE_MIGRATIONS,
    });
  });

  afterAll(async () => {
    await database.close();
    await schema.drop();
  });

  function purge(
    settings: Partial<RetentionSettings> = {},
    options: { logger?: Logger; firstRunDelayMs?: number } = {},
  ): RetentionPurge {
    return new RetentionPurge({
      dataSource: database.dataSource,
      policy: INTAKE_RETENTION_POLICY,
      settings: { ...defaultSettings(INTAKE_RETENTION_POLICY), ...settings },
      logger: options.logger ?? logger,
      ...(options.firstRunDelayMs !== undefined
        ? { firstRunDelayMs: options.firstRunDelayMs }
        : {}),
    });
  }

  /** A logger that keeps every line, to check what a run says about itself. */
  function recordingLogger(): { logger: Logger; lines: { fields: unknown; message: unknown }[] } {
    const lines: { fields: unknown; message: unknown }[] = [];
    const record = (fields: unknown, message?: unknown): void => {
      lines.push({ fields, message });
    };
    const recorder: Logger = {
      info: record,
      warn: record,
      error: record,
      debug: record,
      child: () => recorder,
    };
    return { logger: recorder, lines };
  }

  async function referral(options: {
    mechanism: 'nrm' | 'duty_to_notify';
    child?: boolean;
    submittedDaysAgo: number;
    decisions?: {
      stage: string;
      outcome: string;
      recordedDaysAgo: number;
      supportEndsDaysAgo?: number;
    }[];
  }): Promise<string> {
    const id = randomUUID();
    const submitted = daysAgo(options.submittedDaysAgo);
    await query(
      `INSERT INTO ${s()}.referral
        (id, submitted_by_organisation_id, submitted_by_organisation_kind, submitted_at,
         submitted_on, mechanism, borough, subject, exploitation_types, languages, indicators,
         locations, consent, accommodation_need, personal_encrypted)
       VALUES ($1, $2, 'police_borough', $3, $10, $4, $5, $6, '{sexual}', '{sq}', $7, $8,
               '{"nrm": true, "shareWith": []}', '{"urgency": "tonight"}', $9)`,
      [
        id,
        randomUUID(),
        submitted,
        options.mechanism,
        CAMDEN,
        JSON.stringify({ isChild: options.child ?? false, ageDisputed: false, gender: 'female' }),
        JSON.stringify([`indicator ${MARKER}`]),
        JSON.stringify([{ postcode: 'NW1 2DB', kind: 'residence', note: MARKER }]),
        sealed,
        submitted.toISOString().slice(0, 10),
      ],
    );
    for (const decision of options.decisions ?? []) {
      const recorded = daysAgo(decision.recordedDaysAgo);
      await query(
        `INSERT INTO ${s()}.referral_decision
          (referral_id, stage, outcome, decided_on, recorded_at, recorded_by_organisation_id,
           recorded_by_organisation_kind, support_ends_on)
         VALUES ($1, $2, $3, $4, $5, $6, 'police_borough', $7)`,
        [
          id,
          decision.stage,
          decision.outcome,
          recorded.toISOString().slice(0, 10),
          recorded,
          randomUUID(),
          decision.supportEndsDaysAgo === undefined
            ? null
            : daysAgo(decision.supportEndsDaysAgo).toISOString().slice(0, 10),
        ],
      );
    }
    return id;
  }

  async function missingEpisode(options: {
    child: boolean;
    foundDaysAgo?: number;
    reportedDaysAgo: number;
    linkedReferralId?: string;
  }): Promise<string> {
    const id = randomUUID();
    const found = options.foundDaysAgo === undefined ? null : daysAgo(options.foundDaysAgo);
    await query(
      `INSERT INTO ${s()}.missing_episode
        (id, reported_by_organisation_id, reported_by_organisation_kind, reported_at, borough,
         risk_grade, is_child, trafficking_markers, last_seen_at, report, status, found_at,
         personal_encrypted, linked_referral_id)
       VALUES ($1, $2, 'police_borough', $3, $4, 'high', $5, '{open_nrm_referral}', $3, $6, $7,
               $8, $9, $10)`,
      [
        id,
        randomUUID(),
        daysAgo(options.reportedDaysAgo),
        CAMDEN,
        options.child,
        JSON.stringify({ lastSeenLocation: { postcode: 'NW1 2DB' }, child: { note: MARKER } }),
        found === null ? 'missing' : 'found',
        found,
        sealed,
        options.linkedReferralId ?? null,
      ],
    );
    await query(
      `INSERT INTO ${s()}.missing_episode_entry
        (id, episode_id, kind, recorded_at, recorded_by_organisation_id,
         recorded_by_organisation_kind, details, personal_encrypted)
       VALUES ($1, $2, 'updated', $3, $4, 'police_borough', '{}', $5)`,
      [randomUUID(), id, daysAgo(options.reportedDaysAgo), randomUUID(), sealed],
    );
    return id;
  }

  async function operation(options: {
    state: 'planned' | 'cancelled' | 'outcome_recorded';
    endedDaysAgo: number;
  }): Promise<string> {
    const id = randomUUID();
    const end = daysAgo(options.endedDaysAgo);
    const start = new Date(end.getTime() - 3_600_000);
    await query(
      `INSERT INTO ${s()}.operation
        (id, planned_by_organisation_id, planned_by_organisation_kind, planned_at, state, revision,
         updated_at, kind, premises_kind, borough, planned_start, planned_end, time_zone,
         expected_people, children_likely, expected_languages, exploitation_types,
         vulnerable_people_likely, operational_encrypted, cancelled_at)
       VALUES ($1, $2, 'police_borough', $3, $4, 1, $3, 'raid', 'brothel', $5, $3, $6,
               'Europe/London', '{"total": 2}', false, '{}', '{sexual}', true, $7, $8)`,
      [
        id,
        randomUUID(),
        start,
        options.state,
        CAMDEN,
        end,
        sealed,
        options.state === 'cancelled' ? end : null,
      ],
    );
    if (options.state === 'outcome_recorded') {
      await query(
        `INSERT INTO ${s()}.operation_outcome
          (operation_id, recorded_at, recorded_by_organisation_id, recorded_by_organisation_kind,
           people_encountered, potential_victims_identified, nrm_referrals_made, arrests,
           restricted_notes_encrypted)
         VALUES ($1, $2, $3, 'police_borough', 3, 1, 1, 0, $4)`,
        [id, end, randomUUID(), sealed],
      );
    }
    return id;
  }

  async function bedRequest(matchByDaysAgo: number): Promise<string> {
    const id = randomUUID();
    const matchBy = daysAgo(matchByDaysAgo);
    await query(
      `INSERT INTO ${s()}.bed_request
        (id, submitted_by_organisation_id, submitted_by_organisation_kind, submitted_at, borough,
         needs, urgency_kind, needed_by, match_by, exclusion_zones, person_encrypted, state)
       VALUES ($1, $2, 'police_borough', $3, $4, '{"gender": "male"}', 'tonight', $3, $3, $5, $6,
               'submitted')`,
      [
        id,
        randomUUID(),
        matchBy,
        CAMDEN,
        JSON.stringify({
          boroughs: ['E09000025'],
          around: [{ postcode: 'E15 1AA', borough: 'E09000025', radiusKm: 8, note: MARKER }],
        }),
        sealed,
      ],
    );
    return id;
  }

  async function idempotencyRecord(createdDaysAgo: number): Promise<string> {
    const key = randomUUID();
    await query(
      `INSERT INTO ${s()}.idempotency_record
        (organisation_id, idempotency_key, request_hash, response_status, response_body, created_at)
       VALUES ($1, $2, 'hash', 202, $3, $4)`,
      [randomUUID(), key, `{"note": "${MARKER}"}`, daysAgo(createdDaysAgo)],
    );
    return key;
  }

  async function outboxEvent(createdDaysAgo: number, publishedDaysAgo: number | null) {
    const id = randomUUID();
    await query(
      `INSERT INTO ${s()}.outbox
        (id, topic, key, type, source, time, data, created_at, published_at)
       VALUES ($1, 'harbour.intake.referral.v1', $5, 'harbour.referral.submitted', '/test', $2,
               $3, $2, $4)`,
      [
        id,
        daysAgo(createdDaysAgo),
        JSON.stringify({ note: MARKER }),
        publishedDaysAgo === null ? null : daysAgo(publishedDaysAgo),
        id,
      ],
    );
    return id;
  }

  async function inboxRecord(processedDaysAgo: number): Promise<string> {
    const eventId = randomUUID();
    await query(
      `INSERT INTO ${s()}.inbox (consumer, source, event_id, event_type, topic, processed_at)
       VALUES ('test', '/test', $1, 'harbour.test', 'test', $2)`,
      [eventId, daysAgo(processedDaysAgo)],
    );
    return eventId;
  }

  const rowText = async (table: string, where: string, id: string): Promise<string> =>
    JSON.stringify(await query(`SELECT * FROM ${s()}.${table} WHERE ${where} = $1`, [id]));

  const auditEntries = () =>
    query<{ seq: string; action: string; actor: unknown; details: Record<string, unknown> }>(
      `SELECT seq, action, actor, details FROM ${s()}.audit_log
        WHERE action = 'retention.purge' ORDER BY seq`,
    );

  it('erases or deletes only closed records past their period, records the run, and a second run does nothing', async () => {
    const cg = (daysAgoRecorded: number) => [
      { stage: 'reasonable_grounds', outcome: 'positive', recordedDaysAgo: daysAgoRecorded + 60 },
      { stage: 'conclusive_grounds', outcome: 'negative', recordedDaysAgo: daysAgoRecorded },
    ];
    const adultConcluded = await referral({
      mechanism: 'nrm',
      submittedDaysAgo: 1000,
      decisions: cg(800),
    });
    const adultNegativeRg = await referral({
      mechanism: 'nrm',
      submittedDaysAgo: 900,
      decisions: [{ stage: 'reasonable_grounds', outcome: 'negative', recordedDaysAgo: 750 }],
    });
    // A positive CG long ago whose support ended only recently: the clock runs from the end.
    const adultSupportedUntilRecently = await referral({
      mechanism: 'nrm',
      submittedDaysAgo: 1500,
      decisions: [
        { stage: 'reasonable_grounds', outcome: 'positive', recordedDaysAgo: 1400 },
        {
          stage: 'conclusive_grounds',
          outcome: 'positive',
          recordedDaysAgo: 1000,
          supportEndsDaysAgo: 100,
        },
      ],
    });
    const adultRecentlyConcluded = await referral({
      mechanism: 'nrm',
      submittedDaysAgo: 400,
      decisions: cg(100),
    });
    // Open for eight years: a positive RG and no CG yet. Never due, however old.
    const adultOpen = await referral({
      mechanism: 'nrm',
      submittedDaysAgo: 3000,
      decisions: [{ stage: 'reasonable_grounds', outcome: 'positive', recordedDaysAgo: 2990 }],
    });
    const childConcludedTwoYearsAgo = await referral({
      mechanism: 'nrm',
      child: true,
      submittedDaysAgo: 1000,
      decisions: cg(800),
    });
    const childConcludedSevenYearsAgo = await referral({
      mechanism: 'nrm',
      child: true,
      submittedDaysAgo: 2700,
      decisions: cg(2600),
    });
    const dutyToNotifyOld = await referral({ mechanism: 'duty_to_notify', submittedDaysAgo: 800 });
    const dutyToNotifyRecent = await referral({
      mechanism: 'duty_to_notify',
      submittedDaysAgo: 30,
    });

    // Linked to a referral that is erased: the shell keeps the foreign key whole.
    const adultFoundLongAgo = await missingEpisode({
      child: false,
      reportedDaysAgo: 801,
      foundDaysAgo: 800,
      linkedReferralId: adultConcluded,
    });
    const childStillMissing = await missingEpisode({ child: true, reportedDaysAgo: 3000 });
    const childFoundTwoYearsAgo = await missingEpisode({
      child: true,
      reportedDaysAgo: 801,
      foundDaysAgo: 800,
    });

    const cancelledLongAgo = await operation({ state: 'cancelled', endedDaysAgo: 200 });
    const finishedLongAgo = await operation({ state: 'outcome_recorded', endedDaysAgo: 365 });
    const finishedRecently = await operation({ state: 'outcome_recorded', endedDaysAgo: 10 });
    const stillPlanned = await operation({ state: 'planned', endedDaysAgo: -3 });

    const bedMatchedLongAgo = await bedRequest(100);
    const bedStillMatching = await bedRequest(-1);

    const oldReply = await idempotencyRecord(40);
    const recentReply = await idempotencyRecord(1);
    const publishedLongAgo = await outboxEvent(41, 40);
    const neverPublished = await outboxEvent(400, null);
    const publishedRecently = await outboxEvent(2, 1);
    const processedLongAgo = await inboxRecord(100);
    const processedRecently = await inboxRecord(1);

    // A batch of one: bounded, and it says more is due.
    const first = await purge({ batchSize: 1 }).runOnce();
    expect(first.counts.operation).toBe(1);
    expect(first.more).toBe(true);

    const second = await purge().runOnce();
    const total = (kind: string) => (first.counts[kind] ?? 0) + (second.counts[kind] ?? 0);
    expect(second.more).toBe(false);
    expect(
      Object.fromEntries(
        INTAKE_RETENTION_POLICY.rules.map((rule) => [rule.kind, total(rule.kind)]),
      ),
    ).toEqual({
      'referral.nrm_adult': 2,
      'referral.nrm_child': 1,
      'referral.duty_to_notify': 1,
      'missing_episode.child': 0,
      'missing_episode.adult': 1,
      operation: 2,
      bed_request: 1,
      idempotency_record: 1,
      outbox: 1,
      inbox: 1,
    });

    // Erased referrals: the shell stays (mechanism, borough, decisions), nothing personal does.
    for (const id of [
      adultConcluded,
      adultNegativeRg,
      childConcludedSevenYearsAgo,
      dutyToNotifyOld,
    ]) {
      const [shell] = await query<{
        personal_encrypted: string | null;
        locations: unknown;
        indicators: unknown;
        accommodation_need: unknown;
        erased_at: Date | null;
        borough: string;
      }>(`SELECT * FROM ${s()}.referral WHERE id = $1`, [id]);
      expect(shell).toMatchObject({
        personal_encrypted: null,
        locations: [],
        indicators: [],
        accommodation_need: null,
        borough: CAMDEN,
      });
      expect(shell?.erased_at).toBeInstanceOf(Date);
      expect(await rowText('referral', 'id', id)).not.toContain(MARKER);
    }
    const decisionsKept = await query<{ count: string }>(
      `SELECT count(*) FROM ${s()}.referral_decision WHERE referral_id = $1`,
      [adultConcluded],
    );
    expect(decisionsKept[0]?.count).toBe('2');
    for (const id of [
      adultSupportedUntilRecently,
      adultRecentlyConcluded,
      adultOpen,
      childConcludedTwoYearsAgo,
      dutyToNotifyRecent,
    ]) {
      expect(await rowText('referral', 'id', id)).toContain(MARKER);
    }

    // The found adult's episode: personal column and report gone, its timeline deleted.
    expect(await rowText('missing_episode', 'id', adultFoundLongAgo)).not.toContain(MARKER);
    expect(await rowText('missing_episode', 'id', adultFoundLongAgo)).toContain(adultConcluded);
    expect(await rowText('missing_episode_entry', 'episode_id', adultFoundLongAgo)).toBe('[]');
    for (const id of [childStillMissing, childFoundTwoYearsAgo]) {
      expect(await rowText('missing_episode', 'id', id)).toContain(MARKER);
      expect(await rowText('missing_episode_entry', 'episode_id', id)).toContain(MARKER);
    }

    // Finished operations are deleted with their outcomes; the rest stay.
    for (const id of [cancelledLongAgo, finishedLongAgo]) {
      expect(await rowText('operation', 'id', id)).toBe('[]');
      expect(await rowText('operation_outcome', 'operation_id', id)).toBe('[]');
    }
    expect(await rowText('operation', 'id', finishedRecently)).toContain(MARKER);
    expect(await rowText('operation_outcome', 'operation_id', finishedRecently)).toContain(MARKER);
    expect(await rowText('operation', 'id', stillPlanned)).toContain(MARKER);

    // The bed request keeps its needs and excluded boroughs, not the name or the postcode zone.
    const [bedShell] = await query<{ exclusion_zones: unknown; person_encrypted: string | null }>(
      `SELECT exclusion_zones, person_encrypted FROM ${s()}.bed_request WHERE id = $1`,
      [bedMatchedLongAgo],
    );
    expect(bedShell).toEqual({
      exclusion_zones: { boroughs: ['E09000025'], around: [] },
      person_encrypted: null,
    });
    expect(await rowText('bed_request', 'id', bedStillMatching)).toContain(MARKER);

    expect(await rowText('idempotency_record', 'idempotency_key', oldReply)).toBe('[]');
    expect(await rowText('idempotency_record', 'idempotency_key', recentReply)).toContain(MARKER);
    expect(await rowText('outbox', 'id', publishedLongAgo)).toBe('[]');
    expect(await rowText('outbox', 'id', neverPublished)).toContain(MARKER);
    expect(await rowText('outbox', 'id', publishedRecently)).toContain(MARKER);
    expect(await rowText('inbox', 'event_id', processedLongAgo)).toBe('[]');
    expect(await rowText('inbox', 'event_id', processedRecently)).not.toBe('[]');

    // One audit entry per run that purged anything, with the counts; the chain still verifies.
    const entries = await auditEntries();
    expect(entries).toHaveLength(2);
    expect(entries[0]?.actor).toEqual({ type: 'system', component: 'intake' });
    expect(entries[1]?.details.counts).toEqual(
      Object.fromEntries(Object.entries(second.counts).filter(([, count]) => count > 0)),
    );
    expect(entries[1]?.details.periodDays).toMatchObject({ 'referral.nrm_child': 2190 });
    expect(JSON.stringify(entries)).not.toContain(MARKER);
    expect(await verifyAuditChain(database.dataSource)).toMatchObject({ intact: true });

    // Nothing left due: a second run changes nothing and records nothing.
    const again = await purge().runOnce();
    expect(again).toEqual({
      counts: expect.any(Object) as unknown,
      total: 0,
      auditSeq: null,
      more: false,
    });
    expect(await auditEntries()).toHaveLength(2);
  });

  it('runs on its timer until stopped, and logs counts only', async () => {
    await purge().runOnce(); // whatever earlier tests left due
    const key = await idempotencyRecord(45);
    const { logger: recorder, lines } = recordingLogger();
    const job = purge({ intervalMinutes: 60 }, { logger: recorder, firstRunDelayMs: 20 });
    job.start();
    try {
      await expectEventually(async () => {
        expect(await rowText('idempotency_record', 'idempotency_key', key)).toBe('[]');
        expect(lines.some((line) => line.message === 'retention purge run')).toBe(true);
      });
    } finally {
      await job.stop();
    }
    const run = lines.find((line) => line.message === 'retention purge run');
    expect(run?.fields).toEqual({
      counts: expect.objectContaining({ idempotency_record: 1, operation: 0 }) as unknown,
      total: 1,
      durationMs: expect.any(Number) as unknown,
    });
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(MARKER);
    expect(logged).not.toContain(key);
  });

  it('two instances running at once purge each record once between them', async () => {
    await purge().runOnce(); // whatever earlier tests left due
    const keys = await Promise.all(Array.from({ length: 6 }, () => idempotencyRecord(60)));
    const runs = await Promise.all([purge().runOnce(), purge().runOnce()]);
    expect(runs.reduce((sum, run) => sum + (run.counts.idempotency_record ?? 0), 0)).toBe(6);
    for (const key of keys) {
      expect(await rowText('idempotency_record', 'idempotency_key', key)).toBe('[]');
    }
    expect(await verifyAuditChain(database.dataSource)).toMatchObject({ intact: true });
  });
});
