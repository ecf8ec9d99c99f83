import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { topics } from '@harbour/contracts';
import { createKafka, ensureTopics } from '@harbour/messaging';
import { createLogger } from '@harbour/platform';
import { expectEventually, freePort, testDatabaseUrl, uniqueName } from '@harbour/testing';
import { Client } from 'pg';

// Any number is fine as long as only HarbourStack takes it.
const ONE_STACK_AT_A_TIME = 4_817_203;

const root = join(__dirname, '..', '..');
export const SERVICE_NAMES = ['intake', 'safeguarding', 'accommodation', 'notification'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

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
  /** Each service that keeps personal data has its own key (`DATA_ENCRYPTION_KEY`). */
  private readonly dataKeys: Partial<Record<ServiceName, string>> = {
    intake: randomBytes(32).toString('base64'),
    safeguarding: randomBytes(32).toString('base64'),
    accommodation: randomBytes(32).toString('base64'),
  };

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
      ...this.overrides,
    };
  }

  url(service: ServiceName): string {
    return `http://127.0.0.1:${this.ports[service]}`;
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
  private async startGroupsAtTheEnd(): Promise<void> {
    const env = this.env;
    const kafka = createKafka({
      brokers: (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
      clientId: `${this.run}-setup`,
      logger: createLogger({ service: 'e2e-setup', level: 'silent' }),
      logLevel: 'nothing',
    });
    const all: string[] = Object.values(topics);
    await ensureTopics(kafka, all);
    const admin = kafka.admin();
    await admin.connect();
    try {
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
  async stop(): Promise<number[]> {
    const codes = await this.terminate();
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
