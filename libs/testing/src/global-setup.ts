import { existsSync } from 'node:fs';
import { Socket } from 'node:net';
import { freePort } from './free-port';
import { MaildevProcess } from './maildev-process';
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';

/**
 * Resolves the real infrastructure the integration and e2e tests need, once per run:
 * a service given by env is used as it is (and checked reachable); otherwise, where Docker
 * exists, testcontainers starts it; otherwise the run fails saying how to start it.
 * The SMTP inbox is maildev, an npm dependency, so it is started here when not given.
 */
const started: { containers: StartedTestContainer[]; stop: (() => Promise<void>)[] } = {
  containers: [],
  stop: [],
};
(globalThis as { __harbourInfra?: typeof started }).__harbourInfra = started;

function reachable(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.connect(port, host, () => {
      done(true);
    });
  });
}

function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url.includes('://') ? url : `tcp://${url}`);
  return { host: parsed.hostname, port: Number(parsed.port || defaultPort) };
}

function dockerAvailable(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

const howToStart: Record<string, string> = {
  DATABASE_URL:
    'a PostgreSQL server, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (the database name must contain "test")',
  REDIS_URL: 'a Redis server, e.g. REDIS_URL=redis://127.0.0.1:6379',
  KAFKA_BROKERS:
    'a Kafka broker: `bash deploy/kafka/kafka.sh start` runs one from Maven Central jars, then KAFKA_BROKERS=127.0.0.1:9092',
};

async function fromDocker(name: string): Promise<string> {
  switch (name) {
    case 'DATABASE_URL': {
      const c = await new GenericContainer('postgres:17')
        .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'test' })
        .withExposedPorts(5432)
        .withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2))
        .start();
      started.containers.push(c);
      return `postgres://postgres@${c.getHost()}:${c.getMappedPort(5432)}/test`;
    }
    case 'REDIS_URL': {
      const c = await new GenericContainer('redis:7').withExposedPorts(6379).start();
      started.containers.push(c);
      return `redis://${c.getHost()}:${c.getMappedPort(6379)}`;
    }
    case 'KAFKA_BROKERS': {
      // apache/kafka discards its defaults when any KAFKA_* is set: give every property.
      const c = await new GenericContainer('apache/kafka:4.1.2')
        .withExposedPorts({ container: 9092, host: 19092 })
        .withEnvironment({
          KAFKA_NODE_ID: '1',
          KAFKA_PROCESS_ROLES: 'broker,controller',
          KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093',
          KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:19092',
          KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
          KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
          KAFKA_NUM_PARTITIONS: '3',
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .start();
      started.containers.push(c);
      return '127.0.0.1:19092';
    }
    default:
      throw new Error(`no container recipe for ${name}`);
  }
}

async function resolveService(name: string, defaultPort: number): Promise<void> {
  const given = process.env[name];
  if (given) {
    const first = given.split(',')[0] ?? given;
    const { host, port } = hostPort(first, defaultPort);
    if (!(await reachable(host, port))) {
      throw new Error(
        `${name}=${first} is set but nothing answers at ${host}:${port}. Start ${howToStart[name] ?? name}.`,
      );
    }
    return;
  }
  if (dockerAvailable()) {
    process.env[name] = await fromDocker(name);
    return;
  }
  throw new Error(
    `The integration tests need ${howToStart[name] ?? name}. Set ${name}, or run \`npm test\`, which starts everything on this machine.`,
  );
}

/** Starts maildev (a real SMTP server with a REST API) as a child process on free ports. */
async function startSmtpInbox(): Promise<void> {
  const maildev = new MaildevProcess(await freePort(), await freePort());
  started.stop.push(() => maildev.stop());
  await maildev.start();
  process.env.SMTP_URL = maildev.smtpUrl;
  process.env.SMTP_API_URL = maildev.apiUrl;
}

export default async function globalSetup(): Promise<void> {
  await resolveService('DATABASE_URL', 5432);
  await resolveService('REDIS_URL', 6379);
  await resolveService('KAFKA_BROKERS', 9092);
  if (!process.env.SMTP_URL) {
    await startSmtpInbox();
  } else if (!process.env.SMTP_API_URL) {
    throw new Error(
      'SMTP_URL is set without SMTP_API_URL (the inbox HTTP API tests read mail from).',
    );
  }
}
