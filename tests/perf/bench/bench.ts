/*
 * `npm run bench`: how long from a partner's request to each resulting e-mail and webhook, at
 * several offered rates, on this machine, against the real services — and the same for the bare
 * pipeline (kafkajs → nodemailer) as a floor. Figures, never a test: nothing here is asserted.
 *
 * What it starts (and stops): its own Kafka broker on free ports (the machine's shared broker
 * carries other tests' traffic, which would corrupt the loss and duplicate counts), a local SMTP
 * sink and a webhook sink recording each arrival, and the four built services with fresh schemas.
 * It uses the machine's Postgres and Redis (DATABASE_URL, REDIS_URL).
 *
 * Steps: seed the demo directory (plus a webhook for each Camden organisation); calibrate — send
 * one request of each template (load-mix.ts) at idle and record who it reaches; then per offered
 * rate, send requests on an open-loop schedule, wait (bounded) for every expected delivery, and
 * reconcile the expected multiset of recipients per event against what arrived. Then stop the
 * services and measure the floor at the same rates with the same per-event fan-out.
 *
 * Settings (env): BENCH_RATES (10,50,100,200,500), BENCH_SECONDS per rate (10),
 * BENCH_DRAIN_SECONDS most wait after each rate (30), BENCH_WARMUP_SECONDS (60, 0 for none) at
 * BENCH_WARMUP_RATE (10) before measuring, BENCH_SEED (8), BENCH_LOG_LEVEL for the services
 * (info), BENCH_RESULTS_DIR (bench/results), DATABASE_URL, REDIS_URL.
 * Writes <results>/<yyyy-mm-dd>.json and .md and <results>/latency.svg.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { topics } from '@harbour/contracts';
import { createKafka, ensureTopics, type KafkaClient } from '@harbour/messaging';
import { createLogger } from '@harbour/platform';
import { expectEventually, freePort } from '@harbour/testing';
import { Partitioners, type Admin } from 'kafkajs';
import { Client } from 'pg';
import { BenchStack } from './bench-stack';
import type { FloorMessage } from './floor-consumer';
import { describeHops, hopLatencies } from './hops';
import {
  acceptedId,
  buildRequest,
  MIX,
  schedule,
  seededRandom,
  type PlannedRequest,
  type SenderKey,
  type TemplateName,
} from './load-mix';
import { ProcessSampler } from './process-sampler';
import { type AttributedArrival, reconcile } from './reconcile';
import {
  type BenchResult,
  latencyChartSvg,
  markdownReport,
  maxRateP99Under1s,
  type RateRun,
} from './report';
import { type Arrival, SmtpSink, WebhookSink } from './sinks';
import { ratio, summarize } from './stats';

/** The compiled tree (`.run/bench-build`, see scripts/bench.mjs), and the repository. */
const built = join(__dirname, '..', '..', '..');
const root = repositoryRoot(built);

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'deploy', 'kafka', 'kafka.sh'))) return dir;
    if (dirname(dir) === dir) throw new Error('deploy/kafka/kafka.sh not found above the bench');
  }
}

const RATES = listOfRates(process.env['BENCH_RATES'] ?? '10,50,100,200,500');
const SECONDS = boundedNumber('BENCH_SECONDS', 10, 1, 600);
const DRAIN_SECONDS = boundedNumber('BENCH_DRAIN_SECONDS', 30, 1, 600);
const SEED = boundedNumber('BENCH_SEED', 8, 0, 2 ** 32 - 1);
/**
 * Before the first measured rate, and again before the floor's: this long at WARMUP_RATE, not
 * reported. A fresh JVM, fresh Node processes and a cold Postgres cache spend their first minute
 * compiling and loading: measured without it, the first rate reported start-up, not load (at
 * 20 events/s a cold stack took 3.2 s at p50, the same stack a minute later 73 ms).
 */
const WARMUP_SECONDS = boundedNumber('BENCH_WARMUP_SECONDS', 60, 0, 600);
const WARMUP_RATE = boundedNumber('BENCH_WARMUP_RATE', 10, 1, 5000);
const DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const RESULTS_DIR = process.env['BENCH_RESULTS_DIR'] ?? join(root, 'bench', 'results');
const FLOOR_TOPIC = 'bench.floor';
const CAMDEN = 'E09000007';

function boundedNumber(name: string, fallback: number, min: number, max: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number from ${min} to ${max}`);
  }
  return value;
}

function listOfRates(text: string): number[] {
  const rates = text.split(',').map((part) => Number(part.trim()));
  if (
    rates.length === 0 ||
    rates.some((rate) => !Number.isFinite(rate) || rate <= 0 || rate > 5000)
  ) {
    throw new Error('BENCH_RATES must be comma-separated rates from 1 to 5000 events/s');
  }
  return rates;
}

const log = (line: string) => process.stdout.write(`bench: ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Message-IDs are written <id@host> in mail and bare in webhook-id: compare them bare. */
const bareId = (id: string) => id.replace(/^<|>$/g, '');

/** Cleanups run once, last registered first, on success, failure or Ctrl-C. */
const cleanups: [string, () => unknown][] = [];
let cleanedUp: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleanedUp ??= (async () => {
    for (const [name, cleanup] of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`bench: cleanup of ${name} failed: ${(error as Error).message}`);
      }
    }
  })();
  return cleanedUp;
}

/** A Kafka broker of the bench's own, on free ports, from deploy/kafka/kafka.sh. */
async function startBroker(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'harbour-bench-kafka-'));
  const env = {
    ...process.env,
    KAFKA_PORT: String(await freePort()),
    KAFKA_CONTROLLER_PORT: String(await freePort()),
    KAFKA_DATA_DIR: dataDir,
  };
  const script = join(root, 'deploy', 'kafka', 'kafka.sh');
  cleanups.push([
    'the bench broker',
    () => {
      // kafka.sh stops the broker whose pid its data dir holds: this run's, and no other.
      spawnSync('bash', [script, 'stop'], { env, stdio: 'ignore' });
      rmSync(dataDir, { recursive: true, force: true });
    },
  ]);
  log(`starting a Kafka broker on 127.0.0.1:${env.KAFKA_PORT}`);
  const started = spawnSync('bash', [script, 'start'], { env, encoding: 'utf8' });
  if (started.status !== 0) {
    throw new Error(`the bench broker did not start: ${started.stdout}${started.stderr}`);
  }
  return `127.0.0.1:${env.KAFKA_PORT}`;
}

/**
 * Samples the largest lag of consumer groups: messages behind each topic's end, summed; overall
 * and per service (the group's name after the run's prefix), which shows where work waits.
 */
class LagSampler {
  private max = 0;
  private maxByService: Record<string, number> = {};
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;

  constructor(
    private readonly admin: Admin,
    private readonly groups: readonly { groupId: string; topics: readonly string[] }[],
  ) {}

  begin(): void {
    this.max = 0;
    this.maxByService = {};
    this.timer ??= setInterval(() => {
      this.sampling ??= this.sample().finally(() => (this.sampling = undefined));
    }, 1000);
  }

  async end(): Promise<{ max: number; byService: Record<string, number> }> {
    await this.sampling;
    await this.sample();
    return { max: this.max, byService: { ...this.maxByService } };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sample(): Promise<void> {
    try {
      const ends = new Map<string, Map<number, bigint>>();
      for (const topic of new Set(this.groups.flatMap((g) => g.topics))) {
        const offsets = await this.admin.fetchTopicOffsets(topic);
        ends.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
      }
      for (const { groupId, topics: groupTopics } of this.groups) {
        let lag = 0n;
        const committed = await this.admin.fetchOffsets({ groupId, topics: [...groupTopics] });
        for (const { topic, partitions } of committed) {
          for (const { partition, offset } of partitions) {
            const end = ends.get(topic)?.get(partition) ?? 0n;
            const at = BigInt(offset) < 0n ? 0n : BigInt(offset);
            if (end > at) lag += end - at;
          }
        }
        this.max = Math.max(this.max, Number(lag));
        const service = groupId.slice(groupId.lastIndexOf('_') + 1);
        this.maxByService[service] = Math.max(this.maxByService[service] ?? 0, Number(lag));
      }
    } catch {
      // A sample lost to a busy broker is skipped; the next second samples again.
    }
  }
}

interface SentEvent {
  id: string;
  sentAt: number;
  template: TemplateName;
}

interface RateOutcome {
  events: SentEvent[];
  restLatencies: number[];
  restErrors: number;
  sent: number;
  firstSentAt: number;
  scheduleSlipMs: number;
}

/** Sends a schedule open-loop: each request at its time, never waiting for earlier answers. */
async function sendOpenLoop(
  plan: readonly PlannedRequest[],
  send: (request: PlannedRequest) => Promise<{ id: string | null; latency: number }>,
  label: string,
  progress: () => string,
): Promise<RateOutcome> {
  const outcome: RateOutcome = {
    events: [],
    restLatencies: [],
    restErrors: 0,
    sent: 0,
    firstSentAt: performance.now(),
    scheduleSlipMs: 0,
  };
  const start = performance.now();
  outcome.firstSentAt = start;
  const inFlight = new Set<Promise<void>>();
  const printer = setInterval(
    () => log(`${label}: sent ${outcome.sent}/${plan.length}, ${progress()}`),
    2000,
  );
  try {
    for (const request of plan) {
      const due = start + request.atMs;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      outcome.scheduleSlipMs = Math.max(outcome.scheduleSlipMs, performance.now() - due);
      const sentAt = performance.now();
      outcome.sent += 1;
      const pending = send(request).then(
        ({ id, latency }) => {
          outcome.restLatencies.push(latency);
          if (id === null) outcome.restErrors += 1;
          else outcome.events.push({ id, sentAt, template: request.template });
        },
        () => {
          outcome.restErrors += 1;
        },
      );
      inFlight.add(pending);
      void pending.finally(() => inFlight.delete(pending));
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(printer);
  }
  outcome.scheduleSlipMs = Math.round(outcome.scheduleSlipMs);
  return outcome;
}

/**
 * The unreported warm-up: WARMUP_SECONDS of the same mix at WARMUP_RATE, then waits (at most the
 * drain time) until as many deliveries arrived as the requests accepted should cause.
 */
async function warmUp(
  label: string,
  send: (request: PlannedRequest) => Promise<{ id: string | null; latency: number }>,
  firstSeq: number,
  deliveriesOf: (template: TemplateName) => number,
  arrivedSince: () => number,
): Promise<number> {
  if (WARMUP_SECONDS === 0) return 0;
  // A generator of its own: the measured rates' schedules do not depend on the warm-up's length.
  const plan = schedule(WARMUP_RATE, WARMUP_SECONDS, firstSeq, seededRandom(SEED + 1));
  const started = performance.now();
  const outcome = await sendOpenLoop(plan, send, `${label} warm-up ${WARMUP_RATE}/s`, () => '');
  const expected = outcome.events.reduce((sum, e) => sum + deliveriesOf(e.template), 0);
  const deadline = performance.now() + DRAIN_SECONDS * 1000;
  while (arrivedSince() < expected && performance.now() < deadline) await sleep(250);
  log(
    `${label} warm-up: ${outcome.sent} requests at ${WARMUP_RATE}/s, ${arrivedSince()}/${expected} ` +
      `deliveries in ${Math.round((performance.now() - started) / 1000)} s (not reported)`,
  );
  return plan.length;
}

/** The per-rate figures once arrivals are attributed to this rate's events. */
function rateRun(
  offeredRate: number,
  outcome: RateOutcome,
  expected: ReadonlyMap<string, readonly string[]>,
  arrivals: readonly (AttributedArrival & { at: number })[],
  lag: { max: number; byService: Record<string, number> },
  resources: Pick<RateRun, 'rssMb' | 'cpuPercent' | 'machineCpuPercent'>,
): RateRun {
  const ours = arrivals.filter((a) => expected.has(a.eventId));
  const reconciliation = reconcile(expected, ours);
  const sentAt = new Map(outcome.events.map((e) => [e.id, e.sentAt]));
  const e2e = ours.map((a) => a.at - sentAt.get(a.eventId)!);
  const lastArrival = Math.max(outcome.firstSentAt, ...ours.map((a) => a.at));
  const seconds = (lastArrival - outcome.firstSentAt) / 1000;
  return {
    offeredRate,
    sustainedRate:
      seconds > 0 ? Math.round((reconciliation.completeEvents / seconds) * 10) / 10 : 0,
    rest: summarize(outcome.restLatencies),
    e2e: summarize(e2e),
    lost: reconciliation.lost,
    duplicated: reconciliation.duplicated,
    maxLag: lag.max,
    maxLagByService: lag.byService,
    ...resources,
    sent: outcome.sent,
    restErrors: outcome.restErrors,
    expectedDeliveries: reconciliation.expected,
    unexpected: reconciliation.unexpected,
    scheduleSlipMs: outcome.scheduleSlipMs,
  };
}

async function main(): Promise<void> {
  // The services run on this same Node (process.execPath): figures from another major would not
  // be the project's (package.json engines).
  if (Number(process.versions.node.split('.')[0]) < 24) {
    throw new Error(`Node 24 is required (this is ${process.version}): run it with npm run bench`);
  }
  const startedAt = new Date();
  const loadAverageAtStart = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const work = mkdtempSync(join(tmpdir(), 'harbour-bench-'));
  cleanups.push([
    'the work folder',
    () => {
      rmSync(work, { recursive: true, force: true });
    },
  ]);
  const logDir = join(root, '.run', 'bench', startedAt.toISOString().replace(/[:.]/g, '-'));
  mkdirSync(logDir, { recursive: true });
  log(
    `rates ${RATES.join(', ')} events/s, ${SECONDS} s each, drain ≤ ${DRAIN_SECONDS} s; services' logs in ${logDir}`,
  );

  const brokers = await startBroker();
  const kafka: KafkaClient = createKafka({
    brokers: [brokers],
    clientId: 'bench',
    logger: createLogger({ service: 'bench', level: 'warn' }),
    logLevel: 'error',
  });
  const allTopics: string[] = Object.values(topics);
  await ensureTopics(kafka, [...allTopics, FLOOR_TOPIC]);
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push(['the Kafka admin', () => admin.disconnect()]);

  const smtp = new SmtpSink();
  const webhooks = new WebhookSink();
  const smtpPort = await freePort();
  const webhookPort = await freePort();
  await smtp.listen(smtpPort);
  await webhooks.listen(webhookPort);
  cleanups.push(['the sinks', () => Promise.all([smtp.close(), webhooks.close()])]);
  const arrivalsSince = (emailFrom: number, webhookFrom: number): Arrival[] => [
    ...smtp.arrivals.slice(emailFrom),
    ...webhooks.arrivals.slice(webhookFrom),
  ];

  // --- The services, the directory and the calibration -----------------------------------
  const stack = new BenchStack({
    built,
    databaseUrl: DATABASE_URL,
    redisUrl: REDIS_URL,
    kafkaBrokers: brokers,
    smtpPort,
    logDir,
  });
  cleanups.push(['the services', () => stack.stop()]);
  const keysFile = join(work, 'keys.json');
  stack.cli('seed', 'demo', '--keys-file', keysFile);
  const keys = (
    JSON.parse(readFileSync(keysFile, 'utf8')) as { keys: Record<SenderKey, { key: string }> }
  ).keys;
  const organisations = JSON.parse(stack.cli('org', 'list', '--json')) as {
    id: string;
    boroughs: string[];
  }[];
  // Every Camden partner also has a webhook: most events then reach both channels.
  const camden = organisations.filter((o) => o.boroughs.includes(CAMDEN));
  for (const organisation of camden) {
    stack.cli(
      'contact',
      'add',
      '--org',
      organisation.id,
      '--webhook',
      `http://127.0.0.1:${webhookPort}/hooks/${organisation.id}`,
      '--label',
      'bench webhook',
    );
  }
  log(
    `seeded the demo directory (${organisations.length} organisations, ${camden.length} Camden webhooks)`,
  );
  await stack.start();
  log(`services ready (${stack.run})`);
  const sampler = new ProcessSampler(() => stack.pids());

  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  cleanups.push(['the database client', () => db.end()]);
  const causeOf = new Map<string, string>();
  /** Arrivals attributed to the event (the API's id) whose alert caused them. */
  const attribute = async (arrivals: readonly Arrival[]) => {
    const unknown = [
      ...new Set(arrivals.map((a) => a.deliveryId).filter((id) => !causeOf.has(id))),
    ];
    if (unknown.length > 0) {
      const { rows } = await db.query<{ message_id: string; cause_id: string }>(
        `SELECT d.message_id, lower(a.cause->>'id') AS cause_id
           FROM "${stack.run}_notification".delivery d
           JOIN "${stack.run}_notification".alert a ON a.id = d.alert_id
          WHERE d.message_id = ANY($1) OR d.message_id = ANY($2)`,
        [unknown, unknown.map((id) => `<${id}>`)],
      );
      for (const row of rows) causeOf.set(bareId(row.message_id), row.cause_id);
    }
    return arrivals.flatMap((a) => {
      const eventId = causeOf.get(a.deliveryId);
      return eventId === undefined ? [] : [{ eventId, recipient: a.recipient, at: a.at }];
    });
  };

  let seq = 0;
  /** The first few refusals and failures: shown when the calibration fails and after each rate. */
  const refusals = new Set<string>();
  const sendToStack = async (request: PlannedRequest) => {
    const built_ = buildRequest(request.template, request.seq, new Date());
    const sentAt = performance.now();
    const response = await fetch(`${stack.url('intake')}${built_.path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${keys[built_.sender].key}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify(built_.body),
    }).catch((error: unknown) => {
      if (refusals.size < 5) refusals.add(`${request.template}: ${(error as Error).message}`);
      throw error;
    });
    const body: unknown = await response.json().catch(() => null);
    const latency = performance.now() - sentAt;
    const id = response.status === 202 ? acceptedId(body) : null;
    if (id === null && refusals.size < 5) {
      // The problem document names the fields, never their values.
      refusals.add(`${request.template}: ${response.status} ${JSON.stringify(body).slice(0, 400)}`);
    }
    return { id, latency };
  };

  // Calibration: one request per template at idle; who each reaches is what every later event
  // of that template must reach, exactly once.
  const calibrationPlan = MIX.map((entry, i) => ({
    seq: seq++,
    atMs: i * 200,
    template: entry.template,
  }));
  const calibrationMarks = [smtp.arrivals.length, webhooks.arrivals.length] as const;
  const calibration = await sendOpenLoop(calibrationPlan, sendToStack, 'calibration', () => '');
  if (calibration.events.length !== calibrationPlan.length) {
    throw new Error(
      `calibration: ${calibration.restErrors} of ${calibrationPlan.length} requests were refused ` +
        `(${[...refusals].join('; ')}); see ${logDir}`,
    );
  }
  // Settled when nothing new has arrived for three seconds (and something has).
  let seen = -1;
  let quietSince = performance.now();
  await expectEventually(
    () => {
      const count = arrivalsSince(...calibrationMarks).length;
      if (count !== seen) {
        seen = count;
        quietSince = performance.now();
      }
      if (count === 0 || performance.now() - quietSince < 3000) throw new Error(`${count} so far`);
    },
    { timeoutMs: 90_000, intervalMs: 250, description: 'the calibration deliveries to settle' },
  );
  const calibrated = await attribute(arrivalsSince(...calibrationMarks));
  const recipientsOf = new Map<TemplateName, string[]>();
  for (const event of calibration.events) {
    const recipients = calibrated
      .filter((a) => a.eventId === event.id)
      .map((a) => a.recipient)
      .sort();
    if (recipients.length === 0) {
      throw new Error(`calibration: a ${event.template} request reached nobody; see ${logDir}`);
    }
    recipientsOf.set(event.template, recipients);
    const channels = arrivalsSince(...calibrationMarks).filter(
      (a) => causeOf.get(a.deliveryId) === event.id,
    );
    log(
      `calibration: ${event.template} → ${channels.filter((a) => a.channel === 'email').length} e-mails, ` +
        `${channels.filter((a) => a.channel === 'webhook').length} webhooks`,
    );
  }

  // The groups' topics: those where the calibration left a committed offset.
  const groups: { groupId: string; topics: string[] }[] = [];
  for (const groupId of Object.values(stack.groups)) {
    const committed = await admin.fetchOffsets({ groupId, topics: allTopics });
    groups.push({
      groupId,
      topics: committed
        .filter((t) => t.partitions.some((p) => BigInt(p.offset) >= 0n))
        .map((t) => t.topic),
    });
  }
  const lag = new LagSampler(admin, groups);
  cleanups.push([
    'the samplers',
    () => {
      lag.stop();
      sampler.stop();
    },
  ]);

  // --- The project, rate by rate --------------------------------------------------------------
  const warmUpMarks = [smtp.arrivals.length, webhooks.arrivals.length] as const;
  seq += await warmUp(
    'services',
    sendToStack,
    seq,
    (template) => recipientsOf.get(template)!.length,
    () => arrivalsSince(...warmUpMarks).length,
  );
  const random = seededRandom(SEED);
  const plans = RATES.map((rate) => {
    const plan = schedule(rate, SECONDS, seq, random);
    seq += plan.length;
    return plan;
  });
  const runs: RateRun[] = [];
  for (const [i, rate] of RATES.entries()) {
    const plan = plans[i]!;
    const marks = [smtp.arrivals.length, webhooks.arrivals.length] as const;
    const expectedSoFar = { count: 0 };
    const windowStart = new Date();
    sampler.begin();
    lag.begin();
    const outcome = await sendOpenLoop(
      plan,
      async (request) => {
        const answer = await sendToStack(request);
        if (answer.id !== null) expectedSoFar.count += recipientsOf.get(request.template)!.length;
        return answer;
      },
      `${rate}/s`,
      () => `delivered ${arrivalsSince(...marks).length}/${expectedSoFar.count} expected so far`,
    );
    const expected = new Map(outcome.events.map((e) => [e.id, recipientsOf.get(e.template)!]));
    const expectedTotal = [...expected.values()].reduce((sum, r) => sum + r.length, 0);
    // Drain: until every expected delivery arrived (then a second more, for late duplicates),
    // or the drain time is up.
    const deadline = performance.now() + DRAIN_SECONDS * 1000;
    let lastPrint = 0;
    for (;;) {
      const exitedService = stack.exited();
      if (exitedService !== undefined) {
        throw new Error(
          `${exitedService} exited during the bench: ${stack.logTail(exitedService)}`,
        );
      }
      const arrived = arrivalsSince(...marks).length;
      if (arrived >= expectedTotal) {
        const attributed = await attribute(arrivalsSince(...marks));
        if (
          reconcile(
            expected,
            attributed.filter((a) => expected.has(a.eventId)),
          ).lost === 0
        ) {
          await sleep(1000);
          break;
        }
      }
      if (performance.now() >= deadline) break;
      if (performance.now() - lastPrint > 2000) {
        log(`${rate}/s: draining, delivered ${arrived}/${expectedTotal}`);
        lastPrint = performance.now();
      }
      await sleep(250);
    }
    if (refusals.size > 0) {
      log(`${rate}/s: first refusals: ${[...refusals].join('; ')}`);
      refusals.clear();
    }
    const lagSeen = await lag.end();
    const resources = sampler.end();
    const attributed = await attribute(arrivalsSince(...marks));
    const run = rateRun(rate, outcome, expected, attributed, lagSeen, resources);
    run.hops = await hopLatencies(db, stack.run, windowStart, new Date());
    runs.push(run);
    log(
      `${rate}/s: sent ${run.sent} (${run.restErrors} refused or failed), e2e p50 ${run.e2e.p50} ms p99 ${run.e2e.p99} ms, ` +
        `sustained ${run.sustainedRate}/s, lost ${run.lost}, duplicated ${run.duplicated}, max lag ${run.maxLag} ` +
        `(${Object.entries(run.maxLagByService ?? {})
          .map(([service, n]) => `${service} ${n}`)
          .join(', ')})`,
    );
    log(`${rate}/s: hops p50 / p99 ms (${run.hops.events} events): ${describeHops(run.hops)}`);
    log(`${rate}/s: machine CPU ${run.machineCpuPercent ?? '–'}% of all cores busy`);
  }
  lag.stop();
  sampler.stop();
  await stack.stop();
  log('services stopped; measuring the floor');

  // --- The floor: the same rates and fan-out through kafkajs and nodemailer alone ----------
  const floorGroup = `${stack.run}_floor`;
  const floorProcess: ChildProcess = spawn(
    process.execPath,
    // kafkajs schedules a negative timeout on purpose; Node 24 warns about it on every start.
    ['--disable-warning=TimeoutNegativeWarning', join(__dirname, 'floor-consumer.js')],
    {
      env: {
        ...process.env,
        FLOOR_BROKERS: brokers,
        FLOOR_TOPIC: FLOOR_TOPIC,
        FLOOR_GROUP: floorGroup,
        FLOOR_SMTP_PORT: String(smtpPort),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  cleanups.push([
    'the floor consumer',
    () =>
      new Promise<void>((resolve) => {
        if (floorProcess.exitCode !== null || floorProcess.signalCode !== null) {
          resolve();
          return;
        }
        floorProcess.once('exit', () => {
          resolve();
        });
        floorProcess.kill('SIGTERM');
      }),
  ]);
  await new Promise<void>((resolve, reject) => {
    floorProcess.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    floorProcess.once('exit', (code) => {
      reject(new Error(`the floor consumer exited (${code})`));
    });
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  cleanups.push(['the floor producer', () => producer.disconnect()]);
  const floorSampler = new ProcessSampler((): Record<string, number> =>
    floorProcess.pid === undefined ? {} : { floor: floorProcess.pid },
  );
  const floorLag = new LagSampler(admin, [{ groupId: floorGroup, topics: [FLOOR_TOPIC] }]);
  const sendToFloor = async (request: PlannedRequest) => {
    const id = randomUUID();
    const message: FloorMessage = { id, recipients: recipientsOf.get(request.template)!.length };
    const sentAt = performance.now();
    await producer.send({
      topic: FLOOR_TOPIC,
      acks: -1,
      messages: [{ key: id, value: JSON.stringify(message) }],
    });
    return { id, latency: performance.now() - sentAt };
  };
  const floorWarmUpMark = smtp.arrivals.length;
  await warmUp(
    'floor',
    sendToFloor,
    0,
    (template) => recipientsOf.get(template)!.length,
    () => smtp.arrivals.length - floorWarmUpMark,
  );
  const floor: RateRun[] = [];
  const floorEvent = /^floor-(.+)-\d+@bench\.localhost$/;
  for (const [i, rate] of RATES.entries()) {
    const plan = plans[i]!;
    const mark = smtp.arrivals.length;
    floorSampler.begin();
    floorLag.begin();
    const outcome = await sendOpenLoop(
      plan,
      sendToFloor,
      `floor ${rate}/s`,
      () => `delivered ${smtp.arrivals.length - mark}`,
    );
    const expected = new Map(
      outcome.events.map((e) => [
        e.id,
        Array.from(
          { length: recipientsOf.get(e.template)!.length },
          (_, n) => `floor-${n}@bench.localhost`,
        ),
      ]),
    );
    const expectedTotal = [...expected.values()].reduce((sum, r) => sum + r.length, 0);
    const deadline = performance.now() + DRAIN_SECONDS * 1000;
    while (smtp.arrivals.length - mark < expectedTotal && performance.now() < deadline) {
      await sleep(100);
    }
    await sleep(500);
    const attributed = smtp.arrivals.slice(mark).flatMap((a) => {
      const eventId = floorEvent.exec(a.deliveryId)?.[1];
      return eventId === undefined ? [] : [{ eventId, recipient: a.recipient, at: a.at }];
    });
    const run = rateRun(
      rate,
      outcome,
      expected,
      attributed,
      await floorLag.end(),
      floorSampler.end(),
    );
    floor.push(run);
    log(`floor ${rate}/s: e2e p50 ${run.e2e.p50} ms p99 ${run.e2e.p99} ms, lost ${run.lost}`);
  }
  floorLag.stop();
  floorSampler.stop();

  // --- Results -------------------------------------------------------------------------------
  const result: BenchResult = {
    machine: {
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      os: `${type()} ${release()}`,
      node: process.version,
      loadAverageAtStart,
      warmUp: { seconds: WARMUP_SECONDS, rate: WARMUP_RATE },
      note:
        'Kafka, Postgres, Redis, the four services, the sinks and this load generator all share the machine; ' +
        'other work running at the same time makes figures noisy.',
    },
    commit,
    runs: runs.map((run) => {
      const floorRun = floor.find((f) => f.offeredRate === run.offeredRate);
      return {
        ...run,
        e2eToFloor: {
          p50: ratio(run.e2e.p50, floorRun?.e2e.p50 ?? null),
          p99: ratio(run.e2e.p99, floorRun?.e2e.p99 ?? null),
        },
      };
    }),
    floor,
    maxRateP99Under1s: maxRateP99Under1s(runs),
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const date = startedAt.toISOString().slice(0, 10);
  writeFileSync(join(RESULTS_DIR, `${date}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, `${date}.md`), markdownReport(result));
  writeFileSync(join(RESULTS_DIR, 'latency.svg'), latencyChartSvg(result));
  process.stdout.write(`\n${markdownReport(result)}\n`);
  log(`wrote ${join(RESULTS_DIR, `${date}.json`)}, .md and latency.svg`);
}

process.once('SIGINT', () => {
  log('interrupted: stopping what the bench started');
  void cleanUp().finally(() => process.exit(130));
});

main().then(
  () => cleanUp().then(() => process.exit(0)),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    void cleanUp().finally(() => process.exit(1));
  },
);
