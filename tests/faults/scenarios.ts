import { expectEventually } from '@harbour/testing';
import { Client } from 'pg';
import type { FaultStack, ServiceName } from './fault-stack';
import { MissingChildLoad, type SentEvent } from './load';
import { type ExpectedRecipient, passed, type Reconciliation, reconcile } from './reconcile';

/** Durations and rates, from the environment (shorter for development; defaults as issue 8). */
export interface FaultSettings {
  ratePerSecond: number;
  /** Load before the fault and after recovery. */
  leadMs: number;
  tailMs: number;
  kafkaDownMs: number;
  redisDownMs: number;
  postgresDownMs: number;
  smtpDownMs: number;
  webhookFailingMs: number;
  /** Longest wait, once the load stops, for every expected delivery to arrive. */
  settleMs: number;
  /** Extra wait after the last expected arrival, in which a late duplicate would show. */
  duplicateWindowMs: number;
  /** How long the load's client keeps retrying one report. */
  clientRetryMs: number;
}

export interface Directory {
  policeKey: string;
  borough: string;
  recipients: ExpectedRecipient[];
  coordinator: string;
}

export interface Scenario {
  name: string;
  run: (context: ScenarioContext) => Promise<Reconciliation>;
}

export interface ScenarioContext {
  stack: FaultStack;
  directory: Directory;
  settings: FaultSettings;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The alert ids safeguarding decided for each episode (read from its own schema). */
export async function alertsOf(
  stack: FaultStack,
  episodeIds: readonly string[],
): Promise<Map<string, string[]>> {
  const db = new Client({ connectionString: stack.postgres.url });
  await db.connect();
  try {
    const rows = await db.query<{ cause_id: string; alert_id: string }>(
      `SELECT cause_id::text, alert_id::text FROM safeguarding.alert_decision
        WHERE cause_id::text = ANY($1::text[])`,
      [episodeIds],
    );
    const map = new Map<string, string[]>();
    for (const row of rows.rows)
      map.set(row.cause_id, [...(map.get(row.cause_id) ?? []), row.alert_id]);
    return map;
  } finally {
    await db.end();
  }
}

/** All arrivals so far, e-mail and webhook. */
async function arrivals(stack: FaultStack) {
  return [...(await stack.mailbox.arrivals()), ...stack.webhooks.arrivals];
}

/**
 * Waits until every expected delivery of `events` arrived (or `settleMs` passed), then a little
 * longer for late duplicates, and reconciles.
 */
export async function settleAndReconcile(
  context: ScenarioContext,
  fault: string,
  events: readonly SentEvent[],
): Promise<Reconciliation> {
  const { stack, directory, settings } = context;
  const episodes = events.flatMap((e) => (e.episodeId ? [e.episodeId] : []));
  const current = async () =>
    reconcile(
      fault,
      events,
      directory.recipients,
      await alertsOf(stack, episodes),
      await arrivals(stack),
    );
  try {
    await expectEventually(
      async () => {
        const row = await current();
        if (row.lost > 0) throw new Error(`${row.lost} of ${row.expected} not arrived yet`);
      },
      { timeoutMs: settings.settleMs, intervalMs: 1000, description: `${fault}: every delivery` },
    );
  } catch (error) {
    context.log(`  ${(error as Error).message}`);
  }
  await sleep(settings.duplicateWindowMs);
  return current();
}

/** Runs the load around `fault` (lead, fault, tail), then reconciles the scenario's reports. */
export async function underLoad(
  context: ScenarioContext,
  fault: string,
  inject: () => Promise<void>,
): Promise<{ row: Reconciliation; events: SentEvent[] }> {
  const { stack, directory, settings } = context;
  const load = new MissingChildLoad({
    intakeUrl: () => stack.url('intake'),
    apiKey: directory.policeKey,
    borough: directory.borough,
    ratePerSecond: settings.ratePerSecond,
    retryForMs: settings.clientRetryMs,
  });
  const startedAt = Date.now();
  load.start();
  await sleep(settings.leadMs);
  await inject();
  await sleep(settings.tailMs);
  const events = await load.stop();
  context.log(
    `  load ran ${((Date.now() - startedAt) / 1000).toFixed(0)} s: ${events.length} reports`,
  );
  return { row: await settleAndReconcile(context, fault, events), events };
}

export function killAndRestart(service: ServiceName): Scenario {
  const name = `SIGKILL ${service}, restart`;
  return {
    name,
    run: async (context) =>
      (
        await underLoad(context, name, async () => {
          await context.stack.kill(service);
          const restarting = Date.now();
          await context.stack.startService(service);
          context.log(
            `  ${service} ready again ${((Date.now() - restarting) / 1000).toFixed(1)} s after the kill`,
          );
        })
      ).row,
  };
}

export const kafkaDown: Scenario = {
  name: 'Kafka broker stopped',
  run: async (context) => {
    const seconds = Math.round(context.settings.kafkaDownMs / 1000);
    const name = `Kafka broker stopped ${seconds} s`;
    return (
      await underLoad(context, name, async () => {
        context.stack.kafka.stop();
        await sleep(context.settings.kafkaDownMs);
        await context.stack.kafka.start();
      })
    ).row;
  },
};

export const redisEmpty: Scenario = {
  name: 'Redis restarted empty',
  run: async (context) =>
    (
      await underLoad(context, 'Redis restarted empty', () =>
        context.stack.redis.restartEmpty(context.settings.redisDownMs),
      )
    ).row,
};

export const postgresRestart: Scenario = {
  name: 'Postgres restarted',
  run: async (context) => {
    const seconds = Math.round(context.settings.postgresDownMs / 1000);
    const name = `Postgres restarted (${seconds} s down)`;
    return (
      await underLoad(context, name, () =>
        context.stack.postgres.restart(context.settings.postgresDownMs),
      )
    ).row;
  },
};

export const smtpDown: Scenario = {
  name: 'SMTP sink down',
  run: async (context) => {
    const name = `SMTP sink down ${Math.round(context.settings.smtpDownMs / 1000)} s`;
    return (
      await underLoad(context, name, async () => {
        await context.stack.mailbox.stop();
        await sleep(context.settings.smtpDownMs);
        await context.stack.mailbox.restart();
      })
    ).row;
  },
};

export const webhookFailing: Scenario = {
  name: 'Webhook answering 500',
  run: async (context) => {
    const name = `Webhook answers 500 for ${Math.round(context.settings.webhookFailingMs / 1000)} s`;
    const refusedBefore = context.stack.webhooks.refused;
    const { row } = await underLoad(context, name, async () => {
      context.stack.webhooks.fail(true);
      await sleep(context.settings.webhookFailingMs);
      context.stack.webhooks.fail(false);
    });
    // The outage must have been felt: otherwise the row proves nothing about recovery.
    if (context.stack.webhooks.refused === refusedBefore) {
      row.problems.push('no webhook request arrived during the outage');
    }
    return row;
  },
};

/**
 * An escalation timer falls due while notification is down: after the restart it fires once,
 * and only once. Notification runs here with a 2-second policy minute (a 15-minute window is
 * 30 s); its alert must first be delivered, so the timer exists, before notification is killed.
 */
const ESCALATION_ENV = {
  NOTIFICATION_ESCALATION_MINUTE_MS: '2000',
  NOTIFICATION_ESCALATION_SWEEP_MS: '500',
};
export const escalationWhileDown: Scenario = {
  name: 'Escalation due while notification is down',
  run: async (context) => {
    const { stack, directory, settings } = context;
    const name = 'Escalation due while notification down';
    await stack.kill('notification');
    await stack.startService('notification', ESCALATION_ENV);
    const load = new MissingChildLoad({
      intakeUrl: () => stack.url('intake'),
      apiKey: directory.policeKey,
      borough: directory.borough,
      ratePerSecond: 1,
      retryForMs: settings.clientRetryMs,
    });
    load.start();
    await sleep(900);
    const events = await load.stop();
    const alertRow = await settleAndReconcile(context, name, events);
    const episodeId = events[0]?.episodeId;
    const alertId = episodeId
      ? (await alertsOf(stack, [episodeId])).get(episodeId)?.[0]
      : undefined;
    const row: Reconciliation = { ...alertRow, expected: 1, delivered: 0, lost: 1, duplicates: 0 };
    row.problems = [...alertRow.problems];
    if (!alertId || !passed(alertRow)) {
      row.problems.push('the alert itself was not delivered exactly once');
      return row;
    }
    const dueAt = await levelOneDueAt(stack, alertId);
    await stack.kill('notification');
    context.log(
      `  notification killed; level 1 due in ${((dueAt - Date.now()) / 1000).toFixed(0)} s`,
    );
    await sleep(Math.max(0, dueAt - Date.now()) + 5_000);
    await stack.startService('notification', ESCALATION_ENV);
    const levelOne = async () =>
      (await stack.mailbox.arrivals()).filter(
        (a) =>
          a.alertId === alertId &&
          a.recipient === directory.coordinator &&
          a.kind === 'escalation-1',
      );
    try {
      await expectEventually(
        async () => {
          if ((await levelOne()).length === 0) throw new Error('no level 1 escalation yet');
        },
        { timeoutMs: settings.settleMs, intervalMs: 500, description: 'the level 1 escalation' },
      );
    } catch (error) {
      context.log(`  ${(error as Error).message}`);
    }
    await sleep(settings.duplicateWindowMs);
    const fired = (await levelOne()).sort((a, b) => a.at - b.at);
    row.delivered = fired.length > 0 ? 1 : 0;
    row.lost = fired.length > 0 ? 0 : 1;
    const again = fired.slice(1);
    row.resent = again.filter((a) => a.deliveryId === fired[0]?.deliveryId).length;
    row.duplicates = again.length - row.resent;
    // Here the delay runs from the moment the timer fell due, not from the report.
    row.worstDelayMs = fired[0] ? fired[0].at - dueAt : 0;
    return row;
  },
};

async function levelOneDueAt(stack: FaultStack, alertId: string): Promise<number> {
  const db = new Client({ connectionString: stack.postgres.url });
  await db.connect();
  try {
    const rows = await db.query<{ due_at: Date }>(
      // Levels count from 0 in the table; partners read the first one as "level 1".
      `SELECT due_at FROM notification.escalation_timer
        WHERE alert_id = $1 ORDER BY loop, level LIMIT 1`,
      [alertId],
    );
    const due = rows.rows[0]?.due_at;
    if (!due) throw new Error(`no escalation timer for alert ${alertId}`);
    return due.getTime();
  } finally {
    await db.end();
  }
}
