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
import { NOTIFICATION_MIGRATIONS } from '../migrations';
import { NOTIFICATION_RETENTION_POLICY } from './notification-retention-policy';

jest.setTimeout(60_000);

const logger = createLogger({ service: 'notification-retention-test', level: 'silent' });
/** Stands in for personal summaries, addresses and replies: it must go with its alert. */
const MARKER = `SECRET${randomUUID().replaceAll('-', '')}`;

const daysAgo = (days: number): Date => new Date(Date.now() - days * 86_400_000);

/** Every table that holds rows of an alert, and the column naming it. */
const ALERT_TABLES = [
  ['alert', 'id'],
  ['alert_stage', 'alert_id'],
  ['delivery', 'alert_id'],
  ['delivery_event', 'alert_id'],
  ['acknowledgement', 'alert_id'],
  ['escalation_timer', 'alert_id'],
] as const;

describe('notification retention purge (real Postgres)', () => {
  let schema: TestSchema;
  let database: ServiceDatabase;
  let organisationId: string;
  let contactId: string;
  const s = () => `"${schema.schema}"`;
  const query = <T>(sql: string, parameters: unknown[] = []) =>
    database.dataSource.query<T[]>(sql, parameters);

  beforeAll(async () => {
    schema = await createTestSchema('nt_retention');
    database = await openServiceDatabase({
      service: 'notification',
      databaseUrl: testDatabaseUrl(),
      schema: schema.schema,
      migrations: NOTIFICATION_MIGRATIONS,
    });
    organisationId = randomUUID();
    contactId = randomUUID();
    await query(
      `INSERT INTO ${s()}.organisation (id, name, kind, boroughs)
       VALUES ($1, 'Camden MPU', 'missing_person_unit', '{E09000007}')`,
      [organisationId],
    );
    await query(
      `INSERT INTO ${s()}.contact (id, organisation_id, channel, address)
       VALUES ($1, $2, 'email', $3)`,
      [contactId, organisationId, `${MARKER}@mpu.example`],
    );
  });

  afterAll(async () => {
    await database.close();
    await schema.drop();
  });

  const purge = () =>
    new RetentionPurge({
      dataSource: database.dataSource,
      policy: NOTIFICATION_RETENTION_POLICY,
      settings: defaultSettings(NOTIFICATION_RETENTION_POLICY),
      logger,
    });

  /** An alert with a released stage, a sent delivery and its log, a reply and a cancelled timer. */
  async function alert(options: {
    state: 'open' | 'acknowledged' | 'closed' | 'superseded';
    daysOld: number;
    supersededBy?: string;
  }): Promise<string> {
    const id = randomUUID();
    const at = daysAgo(options.daysOld);
    await query(
      `INSERT INTO ${s()}.alert
        (id, cause, severity, acknowledge_within_minutes, requested_at, acknowledge_by,
         disclosure_level, summary, audience, state, acknowledged_at, closed_at, superseded_by,
         superseded_at)
       VALUES ($1, '{"kind": "missing_episode", "id": "x"}', 'critical', 15, $2, $2, 'personal',
               $3, '[]', $4, $5, $6, $7, $8)`,
      [
        id,
        at,
        JSON.stringify({ title: `Missing ${MARKER}` }),
        options.state,
        options.state === 'acknowledged' ? at : null,
        options.state === 'closed' ? at : null,
        options.supersededBy ?? null,
        options.state === 'superseded' ? at : null,
      ],
    );
    const stageId = randomUUID();
    await query(
      `INSERT INTO ${s()}.alert_stage
        (id, alert_id, level, summary, released_at, reason, fingerprint)
       VALUES ($1, $2, 'personal', $3, $4, 'profile for police', 'profile')`,
      [stageId, id, JSON.stringify({ profile: MARKER }), at],
    );
    const deliveryId = randomUUID();
    await query(
      `INSERT INTO ${s()}.delivery
        (id, alert_id, organisation_id, contact_id, channel, address, status, message_id,
         matched_rule, sent_at, purpose, stage_id)
       VALUES ($1, $2, $3, $4, 'email', $5, 'sent', $8, 'role=missing_person_unit', $6,
               'follow_up', $7)`,
      [
        deliveryId,
        id,
        organisationId,
        contactId,
        `${MARKER}@mpu.example`,
        at,
        stageId,
        `<${deliveryId}@harbour.test>`,
      ],
    );
    await query(
      `INSERT INTO ${s()}.delivery_event (delivery_id, alert_id, event, at)
       VALUES ($1, $2, 'sent', $3)`,
      [deliveryId, id, at],
    );
    await query(
      `INSERT INTO ${s()}.acknowledgement
        (id, alert_id, organisation_id, via, actor, response, token_id, acknowledged_at)
       VALUES ($1, $2, $3, 'link', 'delivery', $4, $5, $6)`,
      [randomUUID(), id, organisationId, `2 caseworkers ${MARKER}`, randomUUID(), at],
    );
    await query(
      `INSERT INTO ${s()}.escalation_timer (id, alert_id, level, loop, due_at, state)
       VALUES ($1, $2, 0, 0, $3, 'cancelled')`,
      [randomUUID(), id, at],
    );
    return id;
  }

  async function rowsOf(alertId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const [table, column] of ALERT_TABLES) {
      const rows = await query(`SELECT 1 FROM ${s()}.${table} WHERE ${column} = $1`, [alertId]);
      counts[table] = rows.length;
    }
    return counts;
  }

  const everything = Object.fromEntries(ALERT_TABLES.map(([table]) => [table, 1]));
  const nothing = Object.fromEntries(ALERT_TABLES.map(([table]) => [table, 0]));

  it('deletes ended alerts with everything hung on them, successors after what they superseded, and never an open or acknowledged one', async () => {
    const closedLongAgo = await alert({ state: 'closed', daysOld: 400 });
    const successor = await alert({ state: 'closed', daysOld: 400 });
    const superseded = await alert({ state: 'superseded', daysOld: 400, supersededBy: successor });
    const acknowledgedLongAgo = await alert({ state: 'acknowledged', daysOld: 800 });
    const openLongAgo = await alert({ state: 'open', daysOld: 800 });
    const closedRecently = await alert({ state: 'closed', daysOld: 10 });

    // The successor waits while the alert it superseded still names it.
    const first = await purge().runOnce();
    expect(first.counts).toEqual({ alert: 2, outbox: 0, inbox: 0 });
    expect(await rowsOf(successor)).toEqual(everything);
    const second = await purge().runOnce();
    expect(second.counts).toEqual({ alert: 1, outbox: 0, inbox: 0 });

    for (const id of [closedLongAgo, superseded, successor]) {
      expect(await rowsOf(id)).toEqual(nothing);
    }
    for (const id of [acknowledgedLongAgo, openLongAgo, closedRecently]) {
      expect(await rowsOf(id)).toEqual(everything);
    }
    // Nothing of the purged alerts is left anywhere: the marker is only in the three kept ones.
    for (const table of ['alert', 'alert_stage', 'delivery', 'acknowledgement']) {
      const text = JSON.stringify(await query(`SELECT * FROM ${s()}.${table}`));
      expect(text.split(MARKER).length - 1).toBe(3);
    }

    const entries = await query<{ details: { counts: unknown } }>(
      `SELECT details FROM ${s()}.audit_log WHERE action = 'retention.purge' ORDER BY seq`,
    );
    expect(entries.map((entry) => entry.details.counts)).toEqual([{ alert: 2 }, { alert: 1 }]);
    expect(await verifyAuditChain(database.dataSource)).toMatchObject({ intact: true });

    const again = await purge().runOnce();
    expect(again.total).toBe(0);
    expect(again.auditSeq).toBeNull();
  });
});
