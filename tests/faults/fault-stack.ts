import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectEventually, freePort } from '@harbour/testing';
import { PrivateKafka, PrivatePostgres, PrivateRedis } from './private-infra';
import { Mailbox, WebhookReceiver } from './sinks';

export const SERVICE_NAMES = ['intake', 'safeguarding', 'accommodation', 'notification'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Where the infrastructure, logs and the compiled tree live (see scripts/test-faults.mjs). */
export interface FaultStackPaths {
  /** The repository (deploy/kafka/kafka.sh, node_modules). */
  root: string;
  /** The compiled tree holding services/ (the suite's own build, not the shared dist/). */
  built: string;
  /** A fresh folder for this run: Postgres and Kafka data, service logs. */
  workDir: string;
}

/**
 * The four built services as real processes against infrastructure of the suite's own — Postgres,
 * Redis and Kafka on free ports — with an SMTP sink and a webhook receiver, where any piece can
 * be killed and brought back while load runs. Everything it starts it stops by pid in `destroy`.
 */
export class FaultStack {
  readonly postgres: PrivatePostgres;
  readonly redis = new PrivateRedis();
  readonly kafka: PrivateKafka;
  readonly mailbox = new Mailbox();
  readonly webhooks = new WebhookReceiver();
  readonly ports = {} as Record<ServiceName, number>;
  private readonly children = new Map<ServiceName, ChildProcess>();
  private readonly restarts: Record<ServiceName, number> = {
    intake: 0,
    safeguarding: 0,
    accommodation: 0,
    notification: 0,
  };
  private readonly ackSecret = randomBytes(48).toString('base64');
  private readonly dataKeys: Record<ServiceName, string> = {
    intake: randomBytes(32).toString('base64'),
    safeguarding: randomBytes(32).toString('base64'),
    accommodation: randomBytes(32).toString('base64'),
    notification: randomBytes(32).toString('base64'),
  };

  constructor(
    readonly paths: FaultStackPaths,
    /** Passed to every service (e.g. a shorter escalation minute). */
    private readonly overrides: NodeJS.ProcessEnv = {},
  ) {
    this.postgres = new PrivatePostgres(join(paths.workDir, 'postgres'));
    this.kafka = new PrivateKafka(paths.root, join(paths.workDir, 'kafka'));
    mkdirSync(join(paths.workDir, 'logs'), { recursive: true });
  }

  /** What every service and the CLI see: only the suite's own infrastructure. */
  get env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: this.postgres.url,
      REDIS_URL: this.redis.url,
      KAFKA_BROKERS: this.kafka.brokers,
      SMTP_URL: this.mailbox.smtpUrl,
      NOTIFICATION_ACK_SECRET: this.ackSecret,
      // A retry ladder short enough that a 60-second outage is recovered within the scenario.
      NOTIFICATION_RETRY_BASE_MS: '1000',
      NOTIFICATION_RETRY_MAX_MS: '10000',
      NOTIFICATION_DELIVERY_ATTEMPTS: '30',
      // The broker's shortest session: a SIGKILLed consumer's partitions are handed to its
      // restarted self after 6 s instead of 30 s. What the scenarios show does not depend on it.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      ...this.overrides,
    };
  }

  url(service: ServiceName): string {
    return `http://127.0.0.1:${this.ports[service]}`;
  }

  /** Runs the admin CLI (`npx harbour …`) against this stack, as an operator would. */
  cli(...args: string[]): string {
    const main = join(this.paths.built, 'services', 'notification', 'src', 'cli', 'main.js');
    const result = spawnSync(process.execPath, [main, ...args], {
      // The CLI writes notification's data (webhook secrets): it holds notification's key.
      env: { ...this.env, DATA_ENCRYPTION_KEY: this.dataKeys.notification },
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(`harbour ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    }
    return result.stdout;
  }

  async startInfrastructure(): Promise<void> {
    await Promise.all([
      this.postgres.start(),
      this.redis.start(),
      this.mailbox.start(),
      this.webhooks.start(),
    ]);
    await this.kafka.start();
  }

  async startServices(): Promise<void> {
    for (const name of SERVICE_NAMES) this.ports[name] = await freePort();
    // Each service migrates its own schema on start; the CLI has already migrated notification's.
    await Promise.all(SERVICE_NAMES.map((name) => this.startService(name)));
  }

  private serviceMain(name: ServiceName): string {
    const main = join(this.paths.built, 'services', name, 'src', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: build first`);
    return main;
  }

  /**
   * Starts (or restarts) one service on its port and waits until `/ready` answers 200. `env`
   * adds to the stack's variables for this start only.
   */
  async startService(name: ServiceName, env: NodeJS.ProcessEnv = {}): Promise<void> {
    const log = join(this.paths.workDir, 'logs', `${name}-${this.restarts[name]}.log`);
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning', this.serviceMain(name)],
      {
        env: {
          ...this.env,
          PORT: String(this.ports[name]),
          DATA_ENCRYPTION_KEY: this.dataKeys[name],
          NOTIFICATION_PUBLIC_URL: this.url('notification'),
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', () => {
      writeFileSync(log, output.join(''));
    });
    this.children.set(name, child);
    await expectEventually(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`${name} exited ${child.exitCode}: ${output.join('').slice(-1500)}`);
        }
        const response = await fetch(`${this.url(name)}/ready`);
        if (!response.ok) throw new Error(`${name} /ready ${response.status}`);
      },
      { timeoutMs: 90_000, intervalMs: 200, description: `${name} to be ready` },
    );
  }

  /** SIGKILL: no shutdown hook runs, as when the machine or the container dies. */
  async kill(name: ServiceName): Promise<void> {
    const child = this.children.get(name);
    this.children.delete(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.restarts[name] += 1;
  }

  /** SIGTERM every service still running and wait (SIGKILL after 20 s). */
  async stopServices(): Promise<void> {
    await Promise.all(
      [...this.children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    this.children.clear();
  }

  /** Stops everything this stack started, each by its own pid; safe to call twice. */
  async destroy(): Promise<void> {
    const steps: [string, () => unknown][] = [
      ['services', () => this.stopServices()],
      [
        'kafka',
        () => {
          this.kafka.destroy();
        },
      ],
      ['redis', () => this.redis.kill()],
      [
        'postgres',
        () => {
          this.postgres.destroy();
        },
      ],
      ['smtp', () => this.mailbox.destroy()],
      ['webhooks', () => this.webhooks.stop()],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`faults: stopping ${what} failed: ${String(error)}\n`);
      }
    }
  }
}
