import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { topics } from '@harbour/contracts';
import {
  createKafka,
  DLQ_HEADERS,
  dlqTopicOf,
  ensureTopics,
  headersAsText,
  type KafkaClient,
} from '@harbour/messaging';
import { createLogger } from '@harbour/platform';
import { expectEventually, freePort, testDatabaseUrl, uniqueName } from '@harbour/testing';
import { Client } from 'pg';
import { OtlpTraceSink } from './otlp-trace-sink';

// Any number is fine as long as only HarbourStack takes it.
const ONE_STACK_AT_A_TIME = 4_817_203;

const root = join(__dirname, '..', '..');
export const SERVICE_NAMES = ['intake', 'safeguarding', 'accommodation', 'notification'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The `service.name` each service reports in its spans (set by the stack, see `start`). */
export const traceServiceName = (name: ServiceName): string => `harbour-${name}`;

/** A message this run's consumers dead-lettered, as it sits on the dead-letter topic. */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** Every header as text: the original CloudEvents attributes and the `harbour-dlq-*` ones. */
  headers: Record<string, string>;
  /** The original event body, byte for byte (kept so the message can be replayed). */
  value: string | null;
}

/**
 * The four built services as real processes (what `npm start` runs), each on a free port with
 * its own fresh schema, consumer group and queue prefix, so runs never see each other's state.
 */
export class HarbourStack {
  readonly run = uniqueName('e2e');
  readonly ports = {} as Record<ServiceName, number>;
  private readonly children: ChildProcess[] = [];
  private lock: Client | undefined;
  private readonly output = new Map<ServiceName, string[]>();
  /** Every span the services export (they run with `OTEL_EXPORTER_OTLP_ENDPOINT` set to it). */
  readonly traces = new OtlpTraceSink();
  /** Where each dead-letter partition ended when the stack started: later entries are this run's. */
  private readonly deadLetterStart = new Map<string, { partition: number; offset: string }[]>();
  private stopped: Promise<number[]> | undefined;
  /** Each service that keeps personal data has its own key (`DATA_ENCRYPTION_KEY`). */
  private readonly dataKeys: Partial<Record<ServiceName, string>> = {
    intake: randomBytes(32).toString('base64'),
    safeguarding: randomBytes(32).toString('base64'),
    accommodation: randomBytes(32).toString('base64'),
    // Webhook signing secrets and partners' replies.
    notification: randomBytes(32).toString('base64'),
  };

  /** People's e-mail addresses in the identity store (the console and `harbour person`). */
  private readonly identityDataKey = randomBytes(32).toString('base64');
  private consolePort: number | undefined;

  /** `overrides` replace the stack's defaults (e.g. a shorter escalation minute). */
  constructor(private readonly overrides: NodeJS.ProcessEnv = {}) {}

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      LOG_LEVEL: 'info',
      INTAKE_DB_SCHEMA: `${this.run}_intake`,
      SAFEGUARDING_DB_SCHEMA: `${this.run}_safeguarding`,
      ACCOMMODATION_DB_SCHEMA: `${this.run}_accommodation`,
      NOTIFICATION_DB_SCHEMA: `${this.run}_notification`,
      SAFEGUARDING_KAFKA_GROUP: `${this.run}_safeguarding`,
      NOTIFICATION_KAFKA_GROUP: `${this.run}_notification`,
      ACCOMMODATION_KAFKA_GROUP: `${this.run}_accommodation`,
      NOTIFICATION_QUEUE_PREFIX: this.run,
      NOTIFICATION_ACK_SECRET: `e2e-acknowledgement-secret-${this.run}`,
      // One escalation-policy minute lasts two seconds here: a 15-minute window is 30 seconds.
      NOTIFICATION_ESCALATION_MINUTE_MS: '2000',
      NOTIFICATION_ESCALATION_SWEEP_MS: '500',
      IDENTITY_DATA_KEY: this.identityDataKey,
      ...this.overrides,
    };
  }

  url(service: ServiceName): string {
    return `http://127.0.0.1:${this.ports[service]}`;
  }

  /** The partner console, once `startConsole` has started it. */
  get consoleUrl(): string {
    if (this.consolePort === undefined) throw new Error('the console is not started');
    return `http://127.0.0.1:${this.consolePort}`;
  }

  /**
   * Starts the partner console (services/console) in front of the running services, as
   * `npm start` does. Call after `start`; `stop` stops it with the rest.
   */
  async startConsole(): Promise<void> {
    const main = join(root, 'dist', 'services', 'console', 'src', 'main.js');
    if (!existsSync(main)) throw new Error('dist/ has no console: run `npm run build`.');
    this.consolePort = await freePort();
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning', main],
      {
        env: {
          ...this.env,
          PORT: String(this.consolePort),
          CONSOLE_PUBLIC_URL: this.consoleUrl,
          INTAKE_URL: this.url('intake'),
          SAFEGUARDING_URL: this.url('safeguarding'),
          ACCOMMODATION_URL: this.url('accommodation'),
          NOTIFICATION_URL: this.url('notification'),
          OTEL_EXPORTER_OTLP_ENDPOINT: this.traces.endpoint,
          OTEL_SERVICE_NAME: 'harbour-console',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: string[] = [];
    this.consoleOutput = lines;
    child.stdout.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    this.children.push(child);
    await expectEventually(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`console exited: ${lines.join('').slice(-2000)}`);
        const response = await fetch(`${this.consoleUrl}/ready`);
        if (!response.ok) throw new Error(`console /ready ${response.status}`);
      },
      { timeoutMs: 90_000, intervalMs: 250, description: 'the console to be ready' },
    );
  }

  private consoleOutput: string[] = [];

  /** What the console wrote (empty when it was not started). */
  consoleLogs(): string {
    return this.consoleOutput.join('');
  }

  /** Runs the admin CLI (`npx harbour …`) exactly as an operator would. */
  cli(...args: string[]): string {
    const result = spawnSync(process.execPath, [join(root, 'bin', 'harbour.js'), ...args], {
      env: this.env,
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(`harbour ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    }
    return result.stdout;
  }

  async start(): Promise<void> {
    const main = (name: ServiceName) => join(root, 'dist', 'services', name, 'src', 'main.js');
    if (!existsSync(main('intake'))) {
      throw new Error('dist/ is missing: run `npm run build` (npm test builds first).');
    }
    await this.takeTheStackLock();
    for (const name of SERVICE_NAMES) this.ports[name] = await freePort();
    await this.startGroupsAtTheEnd();
    await this.traces.start();
    for (const name of SERVICE_NAMES) {
      const child = spawn(
        process.execPath,
        ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning', main(name)],
        {
          env: {
            ...this.env,
            PORT: String(this.ports[name]),
            ...(this.dataKeys[name] ? { DATA_ENCRYPTION_KEY: this.dataKeys[name] } : {}),
            NOTIFICATION_PUBLIC_URL: this.url('notification'),
            // Every span goes to this run's sink, so a test can read what traces carry.
            OTEL_EXPORTER_OTLP_ENDPOINT: this.traces.endpoint,
            OTEL_SERVICE_NAME: traceServiceName(name),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const lines: string[] = [];
      this.output.set(name, lines);
      child.stdout.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
      this.children.push(child);
    }
    await Promise.all(
      SERVICE_NAMES.map((name, i) =>
        expectEventually(
          async () => {
            const child = this.children[i];
            if (child && child.exitCode !== null) {
              throw new Error(`${name} exited: ${this.logs(name).slice(-2000)}`);
            }
            const response = await fetch(`${this.url(name)}/ready`);
            if (!response.ok) throw new Error(`${name} /ready ${response.status}`);
          },
          { timeoutMs: 90_000, intervalMs: 250, description: `${name} to be ready` },
        ),
      ),
    );
  }

  /**
   * Two stacks at once would consume each other's events: each safeguarding decides on the
   * other's intake events and each notification delivers the other's alerts to its own
   * directory. Test files run in parallel, so a stack waits for the one before it to stop.
   */
  private async takeTheStackLock(): Promise<void> {
    this.lock = new Client({ connectionString: testDatabaseUrl() });
    await this.lock.connect();
    await this.lock.query('SELECT pg_advisory_lock($1)', [ONE_STACK_AT_A_TIME]);
  }

  /**
   * The broker is shared with every other test, whose events stay on the topics. A deployment's
   * consumer groups start from the earliest offset (ADR-12), so fresh groups would first replay
   * all of that history, delivering other tests' alerts to this run's directory. This run's
   * groups start where the topics end now, as a deployment that has caught up would.
   */
  private kafka(purpose: string): KafkaClient {
    return createKafka({
      brokers: (this.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
      clientId: `${this.run}-${purpose}`,
      logger: createLogger({ service: `e2e-${purpose}`, level: 'silent' }),
      logLevel: 'nothing',
    });
  }

  private async startGroupsAtTheEnd(): Promise<void> {
    const env = this.env;
    const kafka = this.kafka('setup');
    const all: string[] = Object.values(topics);
    await ensureTopics(kafka, all);
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const topic of all.map(dlqTopicOf)) {
        const ends = await expectEventually(() => admin.fetchTopicOffsets(topic), {
          timeoutMs: 30_000,
          intervalMs: 200,
          description: `the end offsets of ${topic}`,
        });
        this.deadLetterStart.set(
          topic,
          ends.map((p) => ({ partition: p.partition, offset: p.high })),
        );
      }
      const groups = [
        env['SAFEGUARDING_KAFKA_GROUP'],
        env['NOTIFICATION_KAFKA_GROUP'],
        env['ACCOMMODATION_KAFKA_GROUP'],
      ];
      await Promise.all(
        groups.map(async (groupId) => {
          // A member of the group (paused, so it reads nothing) commits each partition's end.
          const member = kafka.consumer({ groupId: groupId! });
          await member.connect();
          try {
            await member.subscribe({ topics: all });
            const joined = new Promise((resolve) => member.on(member.events.GROUP_JOIN, resolve));
            await member.run({ autoCommit: false, eachBatch: () => Promise.resolve() });
            member.pause(all.map((topic) => ({ topic })));
            await joined;
            const ends = await Promise.all(
              all.map(async (topic) =>
                // A topic just created on a fresh broker answers "not the leader" for a moment.
                (
                  await expectEventually(() => admin.fetchTopicOffsets(topic), {
                    timeoutMs: 30_000,
                    intervalMs: 200,
                    description: `the end offsets of ${topic}`,
                  })
                ).map((p) => ({
                  topic,
                  partition: p.partition,
                  offset: p.high,
                })),
              ),
            );
            await member.commitOffsets(ends.flat());
          } finally {
            await member.disconnect();
          }
        }),
      );
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * The alerts this run's safeguarding decided for a cause (an episode or a referral), by rule.
   * Other safeguarding instances on the shared broker (integration tests) also decide on this
   * run's intake events, and this run's notification delivers their alerts too: a test counts
   * only its own stack's decisions.
   */
  async decidedAlerts(causeId: string): Promise<{ alertId: string; rule: string }[]> {
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      const rows = await db.query<{ alert_id: string; rule: string }>(
        `SELECT alert_id, rule FROM "${this.run}_safeguarding".alert_decision
          WHERE cause_id = $1 ORDER BY decided_at`,
        [causeId],
      );
      return rows.rows.map((r) => ({ alertId: r.alert_id, rule: r.rule }));
    } finally {
      await db.end();
    }
  }

  /** Waits for this run's safeguarding to decide an alert for `causeId` (by `rule` if given). */
  ownAlert(causeId: string, rule?: string): Promise<string> {
    return expectEventually(
      async () => {
        const decided = (await this.decidedAlerts(causeId)).find(
          (d) => rule === undefined || d.rule === rule,
        );
        if (!decided) throw new Error(`no alert decided yet for ${causeId}`);
        return decided.alertId;
      },
      { timeoutMs: 90_000, intervalMs: 50, description: `an alert decided for ${causeId}` },
    );
  }

  /**
   * Every message this run's consumers dead-lettered since the stack started (other test runs on
   * the shared broker dead-letter too: an entry is this run's when its `harbour-dlq-consumer`
   * header names one of this run's consumer groups).
   */
  async deadLetters(): Promise<DeadLetter[]> {
    const kafka = this.kafka('dead-letters');
    const admin = kafka.admin();
    await admin.connect();
    const wanted = new Map<string, Map<number, { from: bigint; last: bigint }>>();
    // A throwaway group per read: a story may read while it waits for a dead letter to appear.
    const groupId = `${this.run}-dead-letters-${randomBytes(4).toString('hex')}`;
    try {
      for (const [topic, start] of this.deadLetterStart) {
        const ends = await admin.fetchTopicOffsets(topic);
        for (const { partition, offset } of start) {
          const end = BigInt(ends.find((e) => e.partition === partition)?.high ?? offset);
          if (end <= BigInt(offset)) continue;
          const partitions = wanted.get(topic) ?? new Map<number, { from: bigint; last: bigint }>();
          partitions.set(partition, { from: BigInt(offset), last: end - 1n });
          wanted.set(topic, partitions);
        }
      }
      // A fresh group that starts exactly where each partition stood when the stack started.
      for (const [topic, partitions] of wanted) {
        await admin.setOffsets({
          groupId,
          topic,
          partitions: [...partitions].map(([partition, { from }]) => ({
            partition,
            offset: String(from),
          })),
        });
      }
    } finally {
      await admin.disconnect();
    }
    if (wanted.size === 0) return [];
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
    const letters: DeadLetter[] = [];
    const remaining = new Set(
      [...wanted].flatMap(([topic, partitions]) =>
        [...partitions.keys()].map((p) => `${topic}/${p}`),
      ),
    );
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...wanted.keys()] });
      await consumer.run({
        autoCommit: false,
        eachMessage: ({ topic, partition, message }) => {
          const range = wanted.get(topic)?.get(partition);
          const offset = BigInt(message.offset);
          if (!range || offset < range.from || offset > range.last) return Promise.resolve();
          const headers = headersAsText(message.headers);
          if ((headers[DLQ_HEADERS.consumer] ?? '').startsWith(`${this.run}_`)) {
            letters.push({
              topic,
              partition,
              offset: message.offset,
              key: message.key?.toString('utf8') ?? null,
              headers,
              value: message.value?.toString('utf8') ?? null,
            });
          }
          if (offset === range.last) remaining.delete(`${topic}/${partition}`);
          return Promise.resolve();
        },
      });
      await expectEventually(
        () => {
          if (remaining.size > 0) throw new Error(`still reading ${[...remaining].join(', ')}`);
        },
        {
          timeoutMs: 30_000,
          intervalMs: 100,
          description: 'the dead-letter topics read to the end',
        },
      );
    } finally {
      await consumer.disconnect();
      const cleanup = kafka.admin();
      await cleanup.connect();
      await cleanup.deleteGroups([groupId]).catch(() => undefined);
      await cleanup.disconnect();
    }
    return letters;
  }

  logs(name: ServiceName): string {
    return (this.output.get(name) ?? []).join('');
  }

  allLogs(): string {
    return SERVICE_NAMES.map((name) => this.logs(name)).join('');
  }

  /**
   * SIGTERM each service and wait: they must shut down gracefully on their own. With
   * `HARBOUR_E2E_LOG_DIR` set, each service's output is kept there for reading after a failure.
   */
  stop(): Promise<number[]> {
    // Idempotent: a story's last test stops the stack to scan everything, afterAll stops it too.
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<number[]> {
    const codes = await this.terminate();
    // The services flushed their last spans on the way out; nothing more will arrive.
    await this.traces.close();
    // Ending the session releases the advisory lock.
    await this.lock?.end();
    const logDir = process.env['HARBOUR_E2E_LOG_DIR'];
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      for (const name of SERVICE_NAMES) {
        writeFileSync(join(logDir, `${this.run}-${name}.log`), this.logs(name));
      }
    }
    return codes;
  }

  private terminate(): Promise<number[]> {
    return Promise.all(
      this.children.map(
        (child) =>
          new Promise<number>((resolve) => {
            if (child.exitCode !== null) {
              resolve(child.exitCode);
              return;
            }
            const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
            child.once('exit', (code, signal) => {
              clearTimeout(timer);
              resolve(code ?? (signal === 'SIGKILL' ? 137 : 0));
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }
}
