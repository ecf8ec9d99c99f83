import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectEventually, freePort, uniqueName } from '@harbour/testing';
import { Redis } from 'ioredis';
import { Client } from 'pg';

export const SERVICES = ['intake', 'safeguarding', 'accommodation', 'notification'] as const;
export type BenchService = (typeof SERVICES)[number];

export interface BenchStackOptions {
  /** The compiled tree (`.run/bench-build`), holding services/ and libs/. */
  built: string;
  databaseUrl: string;
  redisUrl: string;
  kafkaBrokers: string;
  smtpPort: number;
  /** Each service's output goes to <logDir>/<service>.log, not through the bench's event loop. */
  logDir: string;
}

/**
 * The four built services as real processes (what `npm start` runs), each with a fresh schema,
 * consumer group and queue prefix, pointed at the bench's own broker and sinks.
 *
 * Not tests/support/harbour-stack: that one starts an in-process trace collector for every span
 * (which would load this process and skew its clocks), takes the one-stack-at-a-time lock for the
 * shared broker (this bench has its own), and keeps its processes private, while the bench reads
 * each process's /proc entries.
 *
 * Throughput limits meant to protect partners and the API are raised, since they are what this
 * measures past: e-mail 50/s and webhooks 20/s by default, 1 200 requests a minute per API key.
 * One escalation-policy minute lasts ten here, so no escalation fires during a run and every
 * event's deliveries stay exactly those it causes at once.
 */
export class BenchStack {
  readonly run = uniqueName('bench');
  readonly ports: Partial<Record<BenchService, number>> = {};
  private readonly children = new Map<BenchService, ChildProcess>();
  private stopped: Promise<void> | undefined;
  private readonly dataKeys: Record<BenchService, string> = {
    intake: randomBytes(32).toString('base64'),
    safeguarding: randomBytes(32).toString('base64'),
    accommodation: randomBytes(32).toString('base64'),
    notification: randomBytes(32).toString('base64'),
  };

  constructor(private readonly options: BenchStackOptions) {}

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      DATABASE_URL: this.options.databaseUrl,
      REDIS_URL: this.options.redisUrl,
      KAFKA_BROKERS: this.options.kafkaBrokers,
      SMTP_URL: `smtp://127.0.0.1:${this.options.smtpPort}`,
      LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'info',
      INTAKE_DB_SCHEMA: `${this.run}_intake`,
      SAFEGUARDING_DB_SCHEMA: `${this.run}_safeguarding`,
      ACCOMMODATION_DB_SCHEMA: `${this.run}_accommodation`,
      NOTIFICATION_DB_SCHEMA: `${this.run}_notification`,
      SAFEGUARDING_KAFKA_GROUP: `${this.run}_safeguarding`,
      NOTIFICATION_KAFKA_GROUP: `${this.run}_notification`,
      ACCOMMODATION_KAFKA_GROUP: `${this.run}_accommodation`,
      NOTIFICATION_QUEUE_PREFIX: this.run,
      NOTIFICATION_ACK_SECRET: `bench-acknowledgement-secret-${this.run}`,
      NOTIFICATION_ESCALATION_MINUTE_MS: '600000',
      NOTIFICATION_EMAIL_RATE_PER_SECOND: '100000',
      NOTIFICATION_WEBHOOK_RATE_PER_SECOND: '100000',
      API_RATE_LIMIT_PER_MINUTE: '60000000',
      API_RATE_LIMIT_BURST: '1000000',
    };
  }

  /** The consumer groups, by the service that owns them. */
  get groups(): Record<string, string> {
    return {
      safeguarding: `${this.run}_safeguarding`,
      accommodation: `${this.run}_accommodation`,
      notification: `${this.run}_notification`,
    };
  }

  url(service: BenchService): string {
    const port = this.ports[service];
    if (port === undefined) throw new Error(`${service} has no port yet: start the stack first`);
    return `http://127.0.0.1:${port}`;
  }

  /** Runs the admin CLI (`npx harbour …`) as an operator would. */
  cli(...args: string[]): string {
    const main = join(this.options.built, 'services', 'notification', 'src', 'cli', 'main.js');
    const result = spawnSync(process.execPath, [main, ...args], {
      env: this.serviceEnv('notification'),
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(`harbour ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    }
    return result.stdout;
  }

  async start(): Promise<void> {
    const main = (name: BenchService) =>
      join(this.options.built, 'services', name, 'src', 'main.js');
    if (!existsSync(main('intake')))
      throw new Error('the compiled services are missing: run `npm run bench`');
    for (const name of SERVICES) this.ports[name] = await freePort();
    for (const name of SERVICES) {
      const log = openSync(join(this.options.logDir, `${name}.log`), 'a');
      // BENCH_CPU_PROF=1: each service writes a V8 CPU profile into the log folder when it stops.
      const profile =
        process.env['BENCH_CPU_PROF'] === '1'
          ? [
              '--cpu-prof',
              `--cpu-prof-dir=${this.options.logDir}`,
              `--cpu-prof-name=${name}.cpuprofile`,
            ]
          : [];
      // BENCH_NODE_FLAGS: Node options to try on every service (e.g. heap limits), space-separated.
      const flags = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
      const child = spawn(
        process.execPath,
        [
          // As `npm start` runs them: no --enable-source-maps (about 190 MB over the four) and
          // a 4 MB young generation (ADR-39); BENCH_NODE_FLAGS, after, may override it.
          '--disable-warning=TimeoutNegativeWarning',
          '--max-semi-space-size=4',
          ...flags,
          ...profile,
          main(name),
        ],
        { env: this.serviceEnv(name), stdio: ['ignore', log, log] },
      );
      closeSync(log);
      this.children.set(name, child);
    }
    await Promise.all(
      SERVICES.map((name) =>
        expectEventually(
          async () => {
            if (this.children.get(name)?.exitCode !== null) {
              throw new Error(`${name} exited: see ${join(this.options.logDir, `${name}.log`)}`);
            }
            const response = await fetch(`${this.url(name)}/ready`);
            if (!response.ok) throw new Error(`${name} /ready ${response.status}`);
          },
          { timeoutMs: 120_000, intervalMs: 250, description: `${name} to be ready` },
        ),
      ),
    );
  }

  /** Process ids of the running services, for /proc sampling. */
  pids(): Record<string, number> {
    const pids: Record<string, number> = {};
    for (const [name, child] of this.children) {
      if (child.pid !== undefined && child.exitCode === null) pids[name] = child.pid;
    }
    return pids;
  }

  /** A service that exited while the bench ran (its log names why), or undefined. */
  exited(): BenchService | undefined {
    for (const [name, child] of this.children) {
      if (child.exitCode !== null || child.signalCode !== null) return name;
    }
    return undefined;
  }

  logTail(name: BenchService, chars = 2000): string {
    try {
      return readFileSync(join(this.options.logDir, `${name}.log`), 'utf8').slice(-chars);
    } catch {
      return '';
    }
  }

  /**
   * SIGTERM every service (SIGKILL after 20 s), then drop this run's schemas and queue keys.
   * Idempotent: the bench stops the stack before the floor, and its cleanup stops it again.
   */
  stop(): Promise<void> {
    this.stopped ??= this.stopOnce();
    return this.stopped;
  }

  private async stopOnce(): Promise<void> {
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
    // BENCH_KEEP_SCHEMAS=1 keeps the run's tables (outbox, inbox and delivery timestamps) to study.
    if (process.env['BENCH_KEEP_SCHEMAS'] !== '1') {
      const db = new Client({ connectionString: this.options.databaseUrl });
      await db.connect();
      try {
        for (const name of SERVICES)
          await db.query(`DROP SCHEMA IF EXISTS "${this.run}_${name}" CASCADE`);
      } finally {
        await db.end();
      }
    }
    const redis = new Redis(this.options.redisUrl);
    try {
      for await (const keys of redis.scanStream({ match: `${this.run}:*`, count: 500 })) {
        const batch = keys as string[];
        if (batch.length > 0) await redis.del(...batch);
      }
    } finally {
      redis.disconnect();
    }
  }

  private serviceEnv(name: BenchService): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...this.env,
      DATA_ENCRYPTION_KEY: this.dataKeys[name],
      ...(this.ports[name] === undefined ? {} : { PORT: String(this.ports[name]) }),
      ...(this.ports.notification === undefined
        ? {}
        : { NOTIFICATION_PUBLIC_URL: this.url('notification') }),
    };
    // A collector the shell points at is not this run's: no span export (its cost is not measured).
    delete env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    return env;
  }
}
