import { randomUUID } from 'node:crypto';
import { createLogger, openServiceDatabase, type ServiceDatabase } from '@harbour/platform';
import {
  createTestSchema,
  expectEventually,
  testDatabaseUrl,
  type TestSchema,
} from '@harbour/testing';
import type { EntityManager } from 'typeorm';
import { SAFEGUARDING_MIGRATIONS } from '../safeguarding-runtime';
import { ScheduledActionPoller } from './scheduled-action-poller';
import { type ScheduledAction, ScheduledActionStore } from './scheduled-action-store';

jest.setTimeout(60_000);

const logger = createLogger({ service: 'sg-poller-test', level: 'silent' });

describe('scheduled action poller (real Postgres)', () => {
  let schema: TestSchema;
  let database: ServiceDatabase;
  let store: ScheduledActionStore;

  beforeAll(async () => {
    schema = await createTestSchema('sg_poller');
    database = await openServiceDatabase({
      service: 'safeguarding',
      databaseUrl: testDatabaseUrl(),
      schema: schema.schema,
      migrations: SAFEGUARDING_MIGRATIONS,
    });
    store = new ScheduledActionStore(schema.schema);
  });

  afterAll(async () => {
    await database.close();
    await schema.drop();
  });

  const s = () => `"${schema.schema}"`;

  async function operationWithActions(count: number, dueInMs = -1_000): Promise<string> {
    const operationId = randomUUID();
    await database.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO ${s()}.operation
           (operation_id, planner_organisation_id, planner_kind, status, revision, notice,
            starts_at, operational_encrypted, planned_at, last_event_id)
         VALUES ($1, $2, 'police_borough', 'planned', 1, '{}', now(), 'v1.x', now(), 'e-1')`,
        [operationId, randomUUID()],
      );
      for (let i = 0; i < count; i += 1) {
        await store.schedule(manager, {
          operationId,
          kind: 'displacement_watch',
          rule: `rule-${i}`,
          causeEventId: 'e-1',
          revision: 1,
          dueAt: new Date(Date.now() + dueInMs),
        });
      }
    });
    return operationId;
  }

  const fired = (operationId: string) =>
    database.dataSource.query<{ id: string; fired_at: Date | null; failed_at: Date | null }[]>(
      `SELECT id, fired_at, failed_at, attempts FROM ${s()}.scheduled_action WHERE operation_id = $1`,
      [operationId],
    );

  function poller(fire: (action: ScheduledAction, manager: EntityManager) => Promise<void>) {
    return new ScheduledActionPoller({
      dataSource: database.dataSource,
      store,
      logger,
      pollIntervalMs: 20,
      afterCommit: () => undefined,
      fire: async (action, manager) => {
        await fire(action, manager);
        return {};
      },
    });
  }

  it('cancelPending says how many actions it cancelled', async () => {
    const operationId = await operationWithActions(3, 60_000);
    const cancelled = await database.dataSource.transaction((manager) =>
      store.cancelPending(manager, operationId),
    );
    expect(cancelled).toBe(3);
    const again = await database.dataSource.transaction((manager) =>
      store.cancelPending(manager, operationId),
    );
    expect(again).toBe(0);
  });

  it('three instances fire every due action exactly once', async () => {
    const operationId = await operationWithActions(30);
    const calls: string[] = [];
    const pollers = [1, 2, 3].map(() =>
      poller(async (action) => {
        calls.push(action.id);
        // Hold the claim a moment, so the instances really overlap.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }),
    );
    for (const p of pollers) p.start();
    try {
      await expectEventually(
        async () => {
          const rows = await fired(operationId);
          expect(rows.filter((r) => r.fired_at === null)).toEqual([]);
        },
        { description: 'every action fired' },
      );
    } finally {
      await Promise.all(pollers.map((p) => p.stop()));
    }
    expect(calls).toHaveLength(30);
    expect(new Set(calls).size).toBe(30);
  });

  it('an action that keeps failing is set back, then aside, and never blocks the ones after it', async () => {
    const failing = await operationWithActions(1, -60_000);
    const healthy = await operationWithActions(2);
    const [poison] = await fired(failing);
    const calls: string[] = [];
    const p = poller((action) => {
      calls.push(action.id);
      if (action.id === poison!.id) return Promise.reject(new Error('cannot fire'));
      return Promise.resolve();
    });
    p.start();
    try {
      await expectEventually(async () => {
        const rows = await fired(healthy);
        expect(rows.every((r) => r.fired_at !== null)).toBe(true);
      });
    } finally {
      await p.stop();
    }
    // Set back (each failure pushes it 2, 4, 8… s later), so the healthy ones went first.
    const [poisoned] = await database.dataSource.query<{ attempts: number; last_error: string }[]>(
      `SELECT attempts, last_error FROM ${s()}.scheduled_action WHERE id = $1`,
      [poison!.id],
    );
    expect(poisoned!.attempts).toBeGreaterThanOrEqual(1);
    expect(poisoned!.last_error).toBe('Error: cannot fire');
    expect(calls.filter((id) => id === poison!.id)).toHaveLength(poisoned!.attempts);
    // recordFailure says when it sets the action aside: only on the attempt that reaches the limit.
    const setAsideAnswers = await database.dataSource.transaction(async (manager) => {
      const answers: boolean[] = [];
      for (let i = 0; i < 5; i += 1) {
        answers.push(await store.recordFailure(manager, poison!.id, 'Error: x', 5));
      }
      return answers;
    });
    const limitReachedAt = 5 - poisoned!.attempts - 1;
    expect(setAsideAnswers.slice(0, limitReachedAt).every((a) => !a)).toBe(true);
    expect(setAsideAnswers[limitReachedAt]).toBe(true);
    const [setAside] = await fired(failing);
    expect(setAside).toMatchObject({ fired_at: null, failed_at: expect.any(Date) as unknown });
    // Set aside: not claimed again even once its back-off has passed.
    await database.dataSource.query(
      `UPDATE ${s()}.scheduled_action SET due_at = now() - interval '1 minute' WHERE id = $1`,
      [poison!.id],
    );
    const again = await database.dataSource.transaction((manager) => store.claimNextDue(manager));
    expect(again?.id).not.toBe(poison!.id);
  });
});
