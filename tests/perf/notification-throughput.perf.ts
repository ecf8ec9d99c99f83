/*
 * Measures the notification service against local infrastructure and prints the figures:
 *  (a) deliveries per second when one alert fans out to N e-mail contacts (a local SMTP sink);
 *  (b) the delay from publishing `harbour.alert.requested` on Kafka to the e-mail in the inbox,
 *      over alerts sent one after another.
 * The service runs as the built process (what `npm start` runs), with its own schema, consumer
 * group and queue prefix; the SMTP sink is a maildev started here. Nothing is asserted: these
 * are figures, not tests.
 *
 * Run from the repository root, with Postgres, Redis and Kafka up:
 *   node scripts/build.mjs && npx swc tests/perf -d dist --copy-files --quiet \
 *     && node --disable-warning=TimeoutNegativeWarning dist/tests/perf/notification-throughput.perf.js
 * Settings (env): PERF_FANOUT (500), PERF_LATENCY_ALERTS (30), DATABASE_URL, REDIS_URL,
 * KAFKA_BROKERS; NOTIFICATION_* variables given here are passed on to the service.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type AlertRequested, topicFor } from '@harbour/contracts';
import { createEvent, createKafka, toKafkaMessage } from '@harbour/messaging';
import { createLogger } from '@harbour/platform';
import {
  expectEventually,
  freePort,
  type InboxMessage,
  SmtpInbox,
  startGroupAtTopicEnd,
  uniqueName,
} from '@harbour/testing';
import { Redis } from 'ioredis';
import { Partitioners } from 'kafkajs';
import { Client } from 'pg';

/** Where the compiled tree is (`dist/`, holding services/, libs/ and tests/). */
const built = join(__dirname, '..', '..');
/** The repository: the nearest folder above with the installed dependencies. */
const root = repositoryRoot(built);
const env = {
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
};
const FANOUT = boundedInt('PERF_FANOUT', 500, 1, 5000);
const LATENCY_ALERTS = boundedInt('PERF_LATENCY_ALERTS', 30, 1, 200);
const BOROUGH = 'E09000001';
const ALERT_TOPIC = topicFor('harbour.alert.requested');

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules', 'maildev'))) return dir;
    if (dirname(dir) === dir) throw new Error('node_modules/maildev not found above the script');
  }
}

function boundedInt(name: string, fallback: number, min: number, max: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Stops a child process and waits for it, SIGKILL after `graceMs`. */
function stopChild(child: ChildProcess | undefined, graceMs = 20_000): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function startMaildev(smtpPort: number, webPort: number): Promise<ChildProcess> {
  const bin = join(root, 'node_modules', 'maildev', 'dist', 'bin', 'maildev.js');
  const child = spawn(
    process.execPath,
    [
      bin,
      '--smtp',
      String(smtpPort),
      '--web',
      String(webPort),
      '--ip',
      '127.0.0.1',
      '--web-ip',
      '127.0.0.1',
      '--silent',
    ],
    { stdio: 'ignore' },
  );
  await expectEventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`maildev exited with ${child.exitCode}`);
      const response = await fetch(`http://127.0.0.1:${webPort}/api/email`);
      if (!response.ok) throw new Error(`maildev answered ${response.status}`);
    },
    { timeoutMs: 20_000, description: 'maildev to start' },
  );
  return child;
}

function alertRequested(role: AlertRequested['audience']['roles'][number]): AlertRequested {
  return {
    alertId: randomUUID(),
    cause: { kind: 'missing_episode', id: randomUUID(), eventId: randomUUID() },
    severity: 'high',
    // Long enough that no escalation fires while measuring.
    acknowledgeWithinMinutes: 240,
    audience: { roles: [role], boroughs: [BOROUGH] },
    disclosure: { level: 'notice' },
    summary: {
      title: 'Missing adult — high risk (measurement)',
      lines: [{ label: 'Police risk grade', value: 'high' }],
    },
    requestedAt: new Date().toISOString(),
  };
}

/** CPU seconds a process has used so far (Linux /proc), or undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  // Fields after the command name: utime and stime are the 12th and 13th (clock ticks).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks / 100 : undefined;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function table(rows: readonly [string, string][]): string {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`).join('\n');
}

async function main(): Promise<void> {
  const serviceMain = join(built, 'services', 'notification', 'src', 'main.js');
  const cliMain = join(built, 'services', 'notification', 'src', 'cli', 'main.js');
  if (!existsSync(serviceMain)) throw new Error(`${serviceMain} is missing: build first`);
  const run = uniqueName('perf');
  const schema = `${run}_notification`;
  const groupId = `${run}_notification`;
  const logger = createLogger({ service: 'notification-perf', level: 'warn' });
  const kafka = createKafka({
    brokers: env.KAFKA_BROKERS.split(','),
    clientId: 'notification-perf',
    logger,
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const database = new Client({ connectionString: env.DATABASE_URL });
  const work = mkdtempSync(join(tmpdir(), 'harbour-perf-'));
  let maildev: ChildProcess | undefined;
  let service: ChildProcess | undefined;
  const serviceOutput: string[] = [];
  const cleanups: [string, () => Promise<unknown>][] = [];

  try {
    await database.connect();
    cleanups.push(['schema', () => database.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)]);
    await admin.connect();
    await producer.connect();

    const [smtpPort, webPort, httpPort] = [await freePort(), await freePort(), await freePort()];
    maildev = await startMaildev(smtpPort, webPort);
    const inbox = new SmtpInbox(`http://127.0.0.1:${webPort}`);

    // The service's new consumer group would read the alert topic from its beginning (every
    // earlier run's alerts); start it at the end instead, so only this run's alerts count.
    await startGroupAtTopicEnd(admin, groupId, ALERT_TOPIC);
    cleanups.push(['consumer group', () => admin.deleteGroups([groupId])]);
    cleanups.push(['queues', () => deleteRedisKeys(`${run}:*`)]);

    const serviceEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...env,
      PORT: String(httpPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      NOTIFICATION_DB_SCHEMA: schema,
      NOTIFICATION_KAFKA_GROUP: groupId,
      NOTIFICATION_QUEUE_PREFIX: run,
      NOTIFICATION_ACK_SECRET: `perf-acknowledgement-secret-${randomUUID()}`,
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      NOTIFICATION_PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
      // The rate limit is what this measures past: raise it unless given.
      NOTIFICATION_EMAIL_RATE_PER_SECOND:
        process.env.NOTIFICATION_EMAIL_RATE_PER_SECOND ?? '100000',
    };
    service = spawn(
      process.execPath,
      ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning', serviceMain],
      {
        env: serviceEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const child = service;
    child.stdout?.on('data', (chunk: Buffer) => serviceOutput.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => serviceOutput.push(chunk.toString()));
    await expectEventually(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`the service exited: ${serviceOutput.join('')}`);
        const response = await fetch(`http://127.0.0.1:${httpPort}/ready`);
        if (!response.ok) throw new Error(`/ready answered ${response.status}`);
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'the notification service to be ready' },
    );

    // The directory: one NGO with FANOUT e-mail contacts, one housing provider with one.
    const fanoutOrg = randomUUID();
    const latencyOrg = randomUUID();
    const service_ = (id: string, name: string, emails: string[]) => ({
      id,
      name,
      x_harbour_kind: name.startsWith('Perf NGO') ? 'ngo' : 'housing_provider',
      services: [
        {
          id,
          name: `${name} — Harbour alerts`,
          status: 'active',
          service_areas: [
            { id: `${id}:${BOROUGH}`, name: 'City of London', extent_type: 'gss', extent: BOROUGH },
          ],
          languages: [],
          contacts: emails.map((email, i) => ({ id: randomUUID(), name: `duty ${i}`, email })),
          x_harbour_specialisms: [],
          x_harbour_age_groups: [],
        },
      ],
    });
    const directoryFile = join(work, 'directory.json');
    writeFileSync(
      directoryFile,
      JSON.stringify({
        profile: 'https://openreferraluk.org/',
        organizations: [
          service_(
            fanoutOrg,
            `Perf NGO ${run}`,
            Array.from({ length: FANOUT }, (_, i) => `fanout-${i}.${run}@test.harbour.localhost`),
          ),
          service_(latencyOrg, `Perf housing ${run}`, [`latency.${run}@test.harbour.localhost`]),
        ],
      }),
    );
    const imported = spawnSync(process.execPath, [cliMain, 'directory', 'import', directoryFile], {
      env: serviceEnv,
      encoding: 'utf8',
    });
    if (imported.status !== 0) throw new Error(`directory import failed: ${imported.stderr}`);

    const publish = async (alert: AlertRequested): Promise<void> => {
      const event = createEvent({
        type: 'harbour.alert.requested',
        source: '/harbour/safeguarding',
        subject: alert.alertId,
        data: alert,
      });
      await producer.send({
        topic: ALERT_TOPIC,
        acks: -1,
        messages: [toKafkaMessage(event, alert.alertId)],
      });
    };
    const mentions = (alertId: string) => (m: InboxMessage) => (m.text ?? '').includes(alertId);

    // Warm-up (not counted): the consumer has joined and every connection pool is open.
    const warmUp = alertRequested('housing_provider');
    await publish(warmUp);
    await inbox.waitFor(mentions(warmUp.alertId), {
      timeoutMs: 60_000,
      description: 'the warm-up e-mail',
    });

    // (a) One alert to FANOUT contacts.
    const fanout = alertRequested('ngo');
    const cpuBefore = cpuSeconds(child.pid);
    const publishedAt = Date.now();
    await publish(fanout);
    const spread = await expectEventually(
      async () => {
        const { rows } = await database.query<{
          total: number;
          sent: number;
          pending: number;
          retried: number;
          created: Date;
          first_queued: Date;
          first_sent: Date;
          last_sent: Date;
        }>(
          `SELECT count(*)::int AS total,
                  count(*) FILTER (WHERE status = 'sent')::int AS sent,
                  count(*) FILTER (WHERE status = 'pending')::int AS pending,
                  count(*) FILTER (WHERE attempts > 1)::int AS retried,
                  min(created_at) AS created, min(enqueued_at) AS first_queued, min(sent_at) AS first_sent, max(sent_at) AS last_sent
             FROM "${schema}".delivery WHERE alert_id = $1`,
          [fanout.alertId],
        );
        const row = rows[0];
        if (row?.total !== FANOUT || row.pending > 0) {
          throw new Error(`${row?.sent ?? 0} of ${FANOUT} settled`);
        }
        return row;
      },
      { timeoutMs: 180_000, intervalMs: 50, description: `${FANOUT} deliveries to settle` },
    );
    const fanoutMail = (await inbox.messages()).filter(mentions(fanout.alertId));
    const messageIds = new Set(fanoutMail.map((m) => m.headers['message-id']));
    const cpuAfter = cpuSeconds(child.pid);
    const sendSeconds = (spread.last_sent.getTime() - spread.created.getTime()) / 1000;
    const queuedSeconds = (spread.last_sent.getTime() - spread.first_queued.getTime()) / 1000;
    const sentSpanSeconds = (spread.last_sent.getTime() - spread.first_sent.getTime()) / 1000;

    // (b) LATENCY_ALERTS alerts, one after another, each to one contact.
    await fetch(`http://127.0.0.1:${webPort}/api/email/all`, { method: 'DELETE' });
    // Two clocks: when the SMTP server accepted the message (the delivery's sent_at, stamped
    // on its 250 reply) and when the e-mail was seen in the inbox (polled every 10 ms).
    // maildev's own `time` is the Date header, to the second: too coarse.
    const accepted: number[] = [];
    const seen: number[] = [];
    for (let i = 0; i < LATENCY_ALERTS; i++) {
      const alert = alertRequested('housing_provider');
      const publishedAt = Date.now();
      await publish(alert);
      await expectEventually(
        async () => {
          if (!(await inbox.messages()).some(mentions(alert.alertId))) throw new Error('not yet');
        },
        { timeoutMs: 30_000, intervalMs: 10, description: `the e-mail of latency alert ${i + 1}` },
      );
      seen.push(Date.now() - publishedAt);
      // The row is marked sent just after the server's 250, so it may trail the inbox a little.
      const sentAt = await expectEventually(
        async () => {
          const { rows } = await database.query<{ sent_at: Date }>(
            `SELECT sent_at FROM "${schema}".delivery WHERE alert_id = $1 AND sent_at IS NOT NULL`,
            [alert.alertId],
          );
          const row = rows[0];
          if (row === undefined) throw new Error('not marked sent yet');
          return row.sent_at.getTime();
        },
        { timeoutMs: 30_000, intervalMs: 10, description: 'the delivery to be marked sent' },
      );
      accepted.push(sentAt - publishedAt);
    }
    accepted.sort((a, b) => a - b);
    seen.sort((a, b) => a - b);

    console.log(`\nnotification figures (${new Date().toISOString()}, node ${process.version})`);
    console.log(
      table([
        ['(a) fan-out of one alert', `${FANOUT} e-mail deliveries to a local maildev`],
        [
          '    settings',
          `concurrency ${serviceEnv.NOTIFICATION_DELIVERY_CONCURRENCY ?? '10 (default)'}, SMTP pool ${serviceEnv.NOTIFICATION_SMTP_MAX_CONNECTIONS ?? '5 (default)'}, rate limit ${serviceEnv.NOTIFICATION_EMAIL_RATE_PER_SECOND ?? ''}/s`,
        ],
        [
          '    sent / failed',
          `${spread.sent} / ${FANOUT - spread.sent} (retried: ${spread.retried})`,
        ],
        ['    e-mails received', `${fanoutMail.length} (distinct Message-IDs: ${messageIds.size})`],
        ['    publish → consumer transaction', `${spread.created.getTime() - publishedAt} ms`],
        [
          '    transaction → first queued',
          `${spread.first_queued.getTime() - spread.created.getTime()} ms`,
        ],
        ['    queued → last sent', `${queuedSeconds.toFixed(2)} s`],
        ['    transaction → last sent', `${sendSeconds.toFixed(2)} s`],
        [
          '    service CPU meanwhile',
          cpuBefore === undefined || cpuAfter === undefined
            ? 'n/a'
            : `${(cpuAfter - cpuBefore).toFixed(2)} s (${(((cpuAfter - cpuBefore) / sendSeconds) * 100).toFixed(0)}% of one core)`,
        ],
        [
          '    deliveries per second',
          `${(FANOUT / sendSeconds).toFixed(0)} (first→last sent: ${((FANOUT - 1) / sentSpanSeconds).toFixed(0)})`,
        ],
        ['(b) alert.requested → first e-mail', `${LATENCY_ALERTS} alerts one after another, ms`],
        ['    (accepted by SMTP | seen in inbox)', ''],
        ['    p50', `${percentile(accepted, 50)} | ${percentile(seen, 50)}`],
        ['    p95', `${percentile(accepted, 95)} | ${percentile(seen, 95)}`],
        ['    max', `${accepted.at(-1) ?? Number.NaN} | ${seen.at(-1) ?? Number.NaN}`],
        ['    min', `${accepted[0] ?? Number.NaN} | ${seen[0] ?? Number.NaN}`],
      ]),
    );
  } finally {
    await stopChild(service);
    await stopChild(maildev);
    for (const [name, cleanup] of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => {
        console.error(
          `cleanup of ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    }
    await producer.disconnect();
    await admin.disconnect();
    await database.end();
    rmSync(work, { recursive: true, force: true });
  }

  async function deleteRedisKeys(pattern: string): Promise<void> {
    const redis = new Redis(env.REDIS_URL);
    try {
      for await (const keys of redis.scanStream({ match: pattern, count: 500 })) {
        const batch = keys as string[];
        if (batch.length > 0) await redis.del(...batch);
      }
    } finally {
      redis.disconnect();
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
