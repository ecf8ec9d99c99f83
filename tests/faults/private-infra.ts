import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expectEventually, freePort } from '@harbour/testing';
import { Redis } from 'ioredis';
import { Client } from 'pg';

/*
 * Postgres, Redis and a Kafka broker that belong to the fault suite alone, each on free ports
 * in a directory of its own. The machine's shared instances (Postgres 5432, Redis 6379, Kafka
 * 9092/29092) carry other people's tests: the suite stops and restarts only these, by pid.
 */

/** Runs a command to completion; throws with its output when it fails. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

/** Polls until the pid no longer exists (a killed process can take a moment to go). */
async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  await expectEventually(
    () => {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      throw new Error(`pid ${pid} still alive`);
    },
    { timeoutMs, intervalMs: 100, description: `pid ${pid} to exit` },
  );
}

/**
 * A private Postgres cluster (initdb + pg_ctl) on a free port, trust auth on loopback. Postgres
 * refuses to run as root, so when the suite runs as root the cluster belongs to `postgres`.
 */
export class PrivatePostgres {
  port = 0;
  private readonly dataDir: string;
  private readonly asUser: string[];

  constructor(private readonly dir: string) {
    this.dataDir = join(dir, 'pgdata');
    this.asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private pgCtl(...args: string[]): string {
    const [command, ...rest] = [...this.asUser, 'pg_ctl', ...args];
    return run(command!, rest);
  }

  async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    if (this.asUser.length > 0) {
      const ids = run('id', ['-u', 'postgres']).trim();
      const gid = run('id', ['-g', 'postgres']).trim();
      chownSync(this.dir, Number(ids), Number(gid));
    }
    const [command, ...rest] = [
      ...this.asUser,
      'initdb',
      '-D',
      this.dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
    ];
    run(command, rest);
    this.port = await freePort();
    await this.startServer();
  }

  private async startServer(): Promise<void> {
    // The unix socket goes into the cluster's own folder: /var/run/postgresql is the shared one's.
    this.pgCtl(
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'postgres.log'),
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off`,
      'start',
    );
    await expectEventually(
      async () => {
        const client = new Client({ connectionString: this.url });
        await client.connect();
        await client.end();
      },
      { timeoutMs: 30_000, intervalMs: 200, description: 'the private Postgres to accept' },
    );
  }

  /** Stops the server (fast: open sessions are cut, as a crash or failover would cut them). */
  stop(): void {
    this.pgCtl('-D', this.dataDir, '-m', 'fast', '-w', 'stop');
  }

  async restart(downMs: number): Promise<void> {
    this.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.startServer();
  }

  /** At the end: stop it (when it still runs) and remove the cluster. */
  destroy(): void {
    try {
      this.stop();
    } catch {
      // Already stopped (a scenario failed while it was down): nothing left to stop.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A private Redis with persistence off (`--save '' --appendonly no`): a restart comes back
 * empty, as a Redis that lost its memory would, so every queued job is gone.
 */
export class PrivateRedis {
  port = 0;
  private child: ChildProcess | undefined;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        // BullMQ requires this: an evicted job key would be a silently lost delivery.
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    await expectEventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode}`);
        const redis = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
        // A refused connection rejects connect(); the event would otherwise be logged as unhandled.
        redis.on('error', () => undefined);
        try {
          await redis.connect();
          await redis.ping();
        } finally {
          redis.disconnect();
        }
      },
      { timeoutMs: 20_000, intervalMs: 100, description: 'the private Redis to answer' },
    );
  }

  /** SIGKILL, so nothing is written anywhere on the way down; then a fresh, empty start. */
  async restartEmpty(downMs: number): Promise<void> {
    await this.kill();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.start();
  }

  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child?.pid || child.exitCode !== null) return;
    child.kill('SIGKILL');
    await waitForExit(child.pid, 10_000);
  }
}

/**
 * A private single-node Kafka broker run by deploy/kafka/kafka.sh (its own ports and data
 * folder; `stop` ends it by the pid the script recorded, never another broker).
 */
export class PrivateKafka {
  port = 0;
  private controllerPort = 0;

  constructor(
    private readonly root: string,
    private readonly dataDir: string,
  ) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  private script(command: 'start' | 'stop'): void {
    run('bash', [join(this.root, 'deploy', 'kafka', 'kafka.sh'), command], {
      ...process.env,
      KAFKA_PORT: String(this.port),
      KAFKA_CONTROLLER_PORT: String(this.controllerPort),
      KAFKA_DATA_DIR: this.dataDir,
      // The machine is shared: a smaller heap than a development broker's is plenty here.
      KAFKA_HEAP_OPTS: process.env['FAULTS_KAFKA_HEAP_OPTS'] ?? '-Xms256m -Xmx512m',
    });
  }

  async start(): Promise<void> {
    if (this.port === 0) {
      this.port = await freePort();
      this.controllerPort = await freePort();
    }
    this.script('start');
  }

  stop(): void {
    if (this.port !== 0) this.script('stop');
  }

  destroy(): void {
    this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
