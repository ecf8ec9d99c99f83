// Shared by `npm start` and `npm test`: find or start the infrastructure on this machine.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

export function log(message) {
  process.stderr.write(`harbour: ${message}\n`);
}

export function reachable(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

export function hostPort(url, defaultPort) {
  const parsed = new URL(url.includes('://') ? url : `tcp://${url}`);
  return { host: parsed.hostname, port: Number(parsed.port || defaultPort) };
}

export async function requireReachable(name, url, defaultPort, hint) {
  const { host, port } = hostPort(url, defaultPort);
  if (!(await reachable(host, port))) {
    throw new Error(`${name}: nothing answers at ${host}:${port}. ${hint}`);
  }
}

/** Creates the database named in `databaseUrl` if the server does not have it yet. */
export async function ensureDatabase(databaseUrl) {
  const { Client } = require('pg');
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      log(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

/** Starts the local Kafka broker from Maven Central jars; returns a stop function. */
export async function startKafka({ dataDir, port = 9092, controllerPort = 9093 }) {
  const env = {
    ...process.env,
    KAFKA_DATA_DIR: dataDir,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
  };
  const script = join(root, 'deploy', 'kafka', 'kafka.sh');
  const result = spawnSync('bash', [script, 'start'], { env, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error('the Kafka broker did not start (see its log above)');
  // Stopped quietly, so the last thing a test run prints is the test runner's summary.
  return () => {
    spawnSync('bash', [script, 'stop'], { env, stdio: 'ignore' });
  };
}

/** Starts maildev (SMTP + web inbox) as a child process; returns { smtpUrl, webUrl, stop }. */
export async function startMaildev({ smtpPort, webPort, logFile }) {
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
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
      '--max-emails',
      '2000',
    ],
    { stdio: ['ignore', out, out] },
  );
  const deadline = Date.now() + 20_000;
  while (!(await reachable('127.0.0.1', smtpPort)) || !(await reachable('127.0.0.1', webPort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the SMTP inbox (maildev) did not start; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    webUrl: `http://127.0.0.1:${webPort}`,
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

export function stopChild(child, timeoutMs = 15_000) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
