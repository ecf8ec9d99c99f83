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
import { SAFEGUARDING_MIGRATIONS } from '../safeguarding-runtime';
import { SAFEGUARDING_RETENTION_POLICY } from './safeguarding-retention-policy';

jest.setTimeout(60_000);

const logger = createLogger({ service: 'safeguarding-retention-test', level: 'silent' });
const CAMDEN = 'E09000007';
/** Stands in for ciphertext and blind indexes: found in an erased case, the erasure missed it. */
const MARKER = `SECRET${randomUUID().replaceAll('-', '')}`;
const sealed = `v1.${MARKER}`;

const daysAgo = (days: number): Date => new Date(Date.now() - days * 86_400_000);
const londonDate = (date: Date): string => date.toISOString().slice(0, 10);

describe('safeguarding retention purge (real Postgres)', () => {
  let schema: TestSchema;
  let database: ServiceDatabase;
  const s = () => `"${schema.schema}"`;
  const query = <T>(sql: string, parameters: unknown[] = []) =>
    database.dataSource.query<T[]>(sql, parameters);

  beforeAll(async () => {
    schema = await createTestSchema('sg_retention');
    database = await openServiceDatabase({
      service: 'safeguarding',
      databaseUrl: testDatabaseUrl(),
      schema: schema.schema,
      migrations: SAFEGUARDING_MIGRATIONS,
    });
  });

  afterAll(async () => {
    await database.close();
    await schema.drop();
  });

  const purge = () =>
    new RetentionPurge({
      dataSource: database.dataSource,
      policy: SAFEGUARDING_RETENTION_POLICY,
      settings: defaultSettings(SAFEGUARDING_RETENTION_POLICY),
      logger,
    });

  async function indexCase(caseKind: 'referral' | 'missing_episode', caseId: string) {
    await query(
      `INSERT INTO ${s()}.person_key (case_kind, case_id, purpose, blind_index)
       VALUES ($1, $2, 'name_dob', $3)`,
      [caseKind, caseId, `${MARKER}-person`],
    );
    await query(
      `INSERT INTO ${s()}.known_victim_location (case_kind, case_id, source, postcode_index)
       VALUES ($1, $2, $3, $4)`,
      [caseKind, caseId, caseKind === 'referral' ? 'referral' : 'last_seen', `${MARKER}-pc`],
    );
  }

  async function referralCase(options: {
    mechanism: 'nrm' | 'duty_to_notify';
    child?: boolean;
    status: 'open' | 'closed';
    submittedDaysAgo: number;
    updatedDaysAgo?: number;
    supportEndedDaysAgo?: number;
  }): Promise<string> {
    const id = randomUUID();
    await query(
      `INSERT INTO ${s()}.referral_case
        (referral_id, mechanism, is_child, age_disputed, borough, share_with, status, submitted_at,
         support_ends_on, personal_encrypted, submitted_event_id, updated_at)
       VALUES ($1, $2, $3, false, $4, '{ngo}', $5, $6, $7, $8, 'e-1', $9)`,
      [
        id,
        options.mechanism,
        options.child ?? false,
        CAMDEN,
        options.status,
        daysAgo(options.submittedDaysAgo),
        options.supportEndedDaysAgo === undefined
          ? null
          : londonDate(daysAgo(options.supportEndedDaysAgo)),
        options.mechanism === 'nrm' ? sealed : null,
        daysAgo(options.updatedDaysAgo ?? options.submittedDaysAgo),
      ],
    );
    await indexCase('referral', id);
    return id;
  }

  async function episode(options: {
    child: boolean;
    reportedDaysAgo: number;
    foundDaysAgo?: number;
  }): Promise<string> {
    const id = randomUUID();
    const found = options.foundDaysAgo === undefined ? null : daysAgo(options.foundDaysAgo);
    await query(
      `INSERT INTO ${s()}.missing_episode
        (episode_id, status, is_child, age_years, age_disputed, gender, borough, risk_grade,
         trafficking_markers, reported_at, last_seen_at, found_at, personal_encrypted,
         reported_event_id)
       VALUES ($1, $2, $3, 15, false, 'female', $4, 'high', '{open_nrm_referral}', $5, $5, $6,
               $7, 'e-1')`,
      [
        id,
        found === null ? 'missing' : 'found',
        options.child,
        CAMDEN,
        daysAgo(options.reportedDaysAgo),
        found,
        sealed,
      ],
    );
    await indexCase('missing_episode', id);
    return id;
  }

  async function episodeAlert(episodeId: string, closedDaysAgo: number): Promise<string> {
    const id = randomUUID();
    await query(
      `INSERT INTO ${s()}.episode_alert
        (alert_id, episode_id, purpose, severity, state, requested_at, closed_at)
       VALUES ($1, $2, 'missing', 'critical', 'superseded', $3, $3)`,
      [id, episodeId, daysAgo(closedDaysAgo)],
    );
    return id;
  }

  async function alertDecision(causeKind: string, causeId: string, decidedDaysAgo: number) {
    const id = randomUUID();
    await query(
      `INSERT INTO ${s()}.alert_decision
        (alert_id, cause_kind, cause_id, cause_event_id, severity, rule, audience,
         acknowledge_within_minutes, decided_at)
       VALUES ($1, $2, $3, 'e-1', 'critical', 'rule', '[]', 15, $4)`,
      [id, causeKind, causeId, daysAgo(decidedDaysAgo)],
    );
    return id;
  }

  async function operation(status: 'planned' | 'completed', daysFromNow: number) {
    const id = randomUUID();
    const when = daysAgo(-daysFromNow);
    await query(
      `INSERT INTO ${s()}.operation
        (operation_id, planner_organisation_id, planner_kind, status, revision, notice, starts_at,
         operational_encrypted, planned_at, last_event_id, updated_at)
       VALUES ($1, $2, 'police_borough', $3, 1, '{}', $4, $5, $4, 'e-1', $4)`,
      [id, randomUUID(), status, when, sealed],
    );
    await query(
      `INSERT INTO ${s()}.scheduled_action
        (id, operation_id, kind, rule, cause_event_id, revision, due_at, fired_at)
       VALUES ($1, $2, 'displacement_watch', 'watch', 'e-1', 1, $3, $3)`,
      [randomUUID(), id, when],
    );
    await query(
      `INSERT INTO ${s()}.operation_alert (alert_id, operation_id, rule, title, state)
       VALUES ($1, $2, 'spoc', 'Raid planned', 'live')`,
      [randomUUID(), id],
    );
    return id;
  }

  async function knownVictimCheck(checkedDaysAgo: number): Promise<string> {
    const id = randomUUID();
    await query(
      `INSERT INTO ${s()}.known_victim_check
        (check_id, organisation_id, organisation_kind, api_key_id, checked_at, postcode_index,
         matched, matched_on)
       VALUES ($1, $2, 'police_borough', 'key', $3, $4, false, '{}')`,
      [id, randomUUID(), daysAgo(checkedDaysAgo), `${MARKER}-check`],
    );
    return id;
  }

  async function bedOfferAlert(state: 'live' | 'closed', daysOld: number): Promise<string> {
    const id = randomUUID();
    await query(
      `INSERT INTO ${s()}.bed_offer_alert
        (offer_id, request_id, provider_organisation_id, alert_id, state, offered_event_id,
         created_at, closed_at)
       VALUES ($1, $2, $3, $4, $5, 'e-1', $6, $7)`,
      [
        id,
        randomUUID(),
        randomUUID(),
        randomUUID(),
        state,
        daysAgo(daysOld),
        state === 'closed' ? daysAgo(daysOld) : null,
      ],
    );
    return id;
  }

  async function bedRequestOutcome(recordedDaysAgo: number): Promise<string> {
    const requestId = randomUUID();
    await query(
      `INSERT INTO ${s()}.bed_request_outcome
        (request_id, outcome, requester_organisation_id, event_id, recorded_at)
       VALUES ($1, 'unmatched', $2, 'e-1', $3)`,
      [requestId, randomUUID(), daysAgo(recordedDaysAgo)],
    );
    return requestId;
  }

  const rows = (table: string, where: string, id: string) =>
    query<Record<string, unknown>>(`SELECT * FROM ${s()}.${table} WHERE ${where} = $1`, [id]);
  const indexEntries = async (caseId: string) =>
    (await rows('person_key', 'case_id', caseId)).length +
    (await rows('known_victim_location', 'case_id', caseId)).length;

  it('erases ended cases with their index entries, deletes old bookkeeping, keeps everything active, and records the run', async () => {
    const adultClosed = await referralCase({
      mechanism: 'nrm',
      status: 'closed',
      submittedDaysAgo: 1000,
      updatedDaysAgo: 800,
    });
    const adultSupportEnded = await referralCase({
      mechanism: 'nrm',
      status: 'open',
      submittedDaysAgo: 1200,
      supportEndedDaysAgo: 800,
    });
    const adultOpen = await referralCase({
      mechanism: 'nrm',
      status: 'open',
      submittedDaysAgo: 3000,
    });
    const childClosed = await referralCase({
      mechanism: 'nrm',
      child: true,
      status: 'closed',
      submittedDaysAgo: 1000,
      updatedDaysAgo: 800,
    });
    const dutyToNotifyOld = await referralCase({
      mechanism: 'duty_to_notify',
      status: 'open',
      submittedDaysAgo: 800,
    });
    const dutyToNotifyRecent = await referralCase({
      mechanism: 'duty_to_notify',
      status: 'open',
      submittedDaysAgo: 100,
    });

    const adultFound = await episode({ child: false, reportedDaysAgo: 801, foundDaysAgo: 800 });
    const adultFoundAlert = await episodeAlert(adultFound, 800);
    const childMissing = await episode({ child: true, reportedDaysAgo: 3000 });
    const childMissingOldAlert = await episodeAlert(childMissing, 2900);

    const activeCauseDecision = await alertDecision('missing_episode', childMissing, 3000);
    const endedCauseDecision = await alertDecision('missing_episode', adultFound, 3000);
    const recentDecision = await alertDecision('missing_episode', adultFound, 100);

    const completedLongAgo = await operation('completed', -200);
    const plannedAhead = await operation('planned', 5);

    const oldCheck = await knownVictimCheck(800);
    const recentCheck = await knownVictimCheck(10);
    const closedOfferAlert = await bedOfferAlert('closed', 400);
    const liveOfferAlert = await bedOfferAlert('live', 400);
    const oldOutcome = await bedRequestOutcome(400);

    const run = await purge().runOnce();
    expect(run.counts).toEqual({
      'referral_case.nrm_adult': 2,
      'referral_case.nrm_child': 0,
      'referral_case.duty_to_notify': 1,
      'missing_episode.child': 0,
      'missing_episode.adult': 1,
      operation: 1,
      known_victim_check: 1,
      alert_decision: 1,
      episode_alert: 1,
      bed_offer_alert: 1,
      bed_request_outcome: 1,
      outbox: 0,
      inbox: 0,
    });

    // Erased cases: shell kept, nothing personal, no longer findable through the index.
    for (const id of [adultClosed, adultSupportEnded, dutyToNotifyOld]) {
      const [shell] = await rows('referral_case', 'referral_id', id);
      expect(shell).toMatchObject({ personal_encrypted: null, share_with: [], borough: CAMDEN });
      expect(shell?.erased_at).toBeInstanceOf(Date);
      expect(JSON.stringify(shell)).not.toContain(MARKER);
      expect(await indexEntries(id)).toBe(0);
    }
    for (const id of [adultOpen, childClosed, dutyToNotifyRecent]) {
      expect(await indexEntries(id)).toBe(2);
      expect((await rows('referral_case', 'referral_id', id))[0]?.erased_at).toBeNull();
    }
    expect(JSON.stringify(await rows('referral_case', 'referral_id', adultOpen))).toContain(MARKER);

    const [foundShell] = await rows('missing_episode', 'episode_id', adultFound);
    expect(foundShell).toMatchObject({ personal_encrypted: null, status: 'found' });
    expect(await indexEntries(adultFound)).toBe(0);
    expect(JSON.stringify(await rows('missing_episode', 'episode_id', childMissing))).toContain(
      MARKER,
    );
    expect(await indexEntries(childMissing)).toBe(2);

    // Bookkeeping: gone when old and ended, kept while its cause is active.
    expect(await rows('episode_alert', 'alert_id', adultFoundAlert)).toEqual([]);
    expect(await rows('episode_alert', 'alert_id', childMissingOldAlert)).toHaveLength(1);
    expect(await rows('alert_decision', 'alert_id', endedCauseDecision)).toEqual([]);
    expect(await rows('alert_decision', 'alert_id', activeCauseDecision)).toHaveLength(1);
    expect(await rows('alert_decision', 'alert_id', recentDecision)).toHaveLength(1);
    for (const table of ['operation', 'scheduled_action', 'operation_alert']) {
      expect(await rows(table, 'operation_id', completedLongAgo)).toEqual([]);
      expect(await rows(table, 'operation_id', plannedAhead)).toHaveLength(1);
    }
    expect(await rows('known_victim_check', 'check_id', oldCheck)).toEqual([]);
    expect(await rows('known_victim_check', 'check_id', recentCheck)).toHaveLength(1);
    expect(await rows('bed_offer_alert', 'offer_id', closedOfferAlert)).toEqual([]);
    expect(await rows('bed_offer_alert', 'offer_id', liveOfferAlert)).toHaveLength(1);
    expect(await rows('bed_request_outcome', 'request_id', oldOutcome)).toEqual([]);

    // The run is in safeguarding's own audit chain, counts only.
    const entries = await query<{ seq: string; details: { counts: unknown }; reason: string }>(
      `SELECT seq, details, reason FROM ${s()}.audit_log WHERE action = 'retention.purge'`,
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]?.details.counts).toEqual(
      Object.fromEntries(Object.entries(run.counts).filter(([, count]) => count > 0)),
    );
    expect(JSON.stringify(entries)).not.toContain(MARKER);
    expect(await verifyAuditChain(database.dataSource)).toMatchObject({ intact: true, entries: 1 });

    const again = await purge().runOnce();
    expect(again.total).toBe(0);
    expect(again.auditSeq).toBeNull();
    expect(await verifyAuditChain(database.dataSource)).toMatchObject({ intact: true, entries: 1 });
  });
});
