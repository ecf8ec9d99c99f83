// `npm start`: the whole local stack on this machine — Kafka, the SMTP inbox, migrations, a
// seeded demo London directory and all four services — until Ctrl-C stops everything cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureDatabase,
  log,
  reachable,
  requireReachable,
  root,
  startKafka,
  startMaildev,
  stopChild,
} from './lib/local-infra.mjs';

const started = Date.now();
const runDir = join(root, '.run');
const logDir = join(runDir, 'logs');
mkdirSync(logDir, { recursive: true });

const env = { ...process.env };
env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/harbour';
env.REDIS_URL ??= 'redis://127.0.0.1:6379';
env.LOG_LEVEL ??= 'info';
// Signs acknowledgement links: made once per checkout and kept, so links survive restarts.
const ackSecretFile = join(runDir, 'ack-secret');
if (!env.NOTIFICATION_ACK_SECRET) {
  if (!existsSync(ackSecretFile)) {
    writeFileSync(ackSecretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  env.NOTIFICATION_ACK_SECRET = readFileSync(ackSecretFile, 'utf8').trim();
}

// Each service that keeps personal data encrypts it under its own key: made once per checkout
// and kept (losing a key loses that service's personal data).
function dataKeyOf(service) {
  const file = join(runDir, `${service}-data-key`);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}
// People's e-mail addresses in the identity store: the console and `harbour person` share it.
env.IDENTITY_DATA_KEY ??= dataKeyOf('identity');
const serviceEnv = {
  intake: { DATA_ENCRYPTION_KEY: env.INTAKE_DATA_ENCRYPTION_KEY ?? dataKeyOf('intake') },
  safeguarding: {
    DATA_ENCRYPTION_KEY: env.SAFEGUARDING_DATA_ENCRYPTION_KEY ?? dataKeyOf('safeguarding'),
  },
  accommodation: {
    DATA_ENCRYPTION_KEY: env.ACCOMMODATION_DATA_ENCRYPTION_KEY ?? dataKeyOf('accommodation'),
  },
  // Webhook signing secrets and partners' replies; the CLI needs the same key to add a webhook
  // contact: DATA_ENCRYPTION_KEY=$(cat .run/notification-data-key) npx harbour contact add …
  notification: {
    DATA_ENCRYPTION_KEY: env.NOTIFICATION_DATA_ENCRYPTION_KEY ?? dataKeyOf('notification'),
  },
};

const services = [
  { name: 'intake', port: Number(env.INTAKE_PORT ?? 8080) },
  { name: 'safeguarding', port: Number(env.SAFEGUARDING_PORT ?? 8081) },
  { name: 'accommodation', port: Number(env.ACCOMMODATION_PORT ?? 8082) },
  { name: 'notification', port: Number(env.NOTIFICATION_PORT ?? 8083) },
  { name: 'console', port: Number(env.CONSOLE_PORT ?? 8084) },
];
const urlOf = (name) => `http://127.0.0.1:${services.find((s) => s.name === name).port}`;
// The console reaches the services' REST APIs through its /api proxy.
serviceEnv.console = {
  CONSOLE_PUBLIC_URL: env.CONSOLE_PUBLIC_URL ?? urlOf('console'),
  INTAKE_URL: urlOf('intake'),
  SAFEGUARDING_URL: urlOf('safeguarding'),
  ACCOMMODATION_URL: urlOf('accommodation'),
  NOTIFICATION_URL: urlOf('notification'),
};
const stops = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  log('stopping ...');
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (error) {
      log(`while stopping: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  log('stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function waitReady(service, child) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `${service.name} exited with code ${child.exitCode}; see .run/logs/${service.name}.log`,
      );
    }
    try {
      const response = await fetch(`http://127.0.0.1:${service.port}/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${service.name} not ready after 120 s; see .run/logs/${service.name}.log`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function main() {
  await requireReachable(
    'Postgres',
    env.DATABASE_URL,
    5432,
    'Start PostgreSQL or set DATABASE_URL.',
  );
  await ensureDatabase(env.DATABASE_URL);
  await requireReachable('Redis', env.REDIS_URL, 6379, 'Start Redis or set REDIS_URL.');

  if (!env.KAFKA_BROKERS) {
    if (await reachable('127.0.0.1', 9092)) {
      throw new Error(
        'something already listens on 127.0.0.1:9092; stop it or set KAFKA_BROKERS to use it',
      );
    }
    log('starting Kafka (first run fetches the broker jars from Maven Central) ...');
    stops.push(await startKafka({ dataDir: join(runDir, 'kafka') }));
    env.KAFKA_BROKERS = '127.0.0.1:9092';
  }

  let inboxWeb = env.SMTP_WEB_URL ?? '(your SMTP server)';
  if (!env.SMTP_URL) {
    const maildev = await startMaildev({
      smtpPort: 1025,
      webPort: 1080,
      logFile: join(logDir, 'smtp-inbox.log'),
    });
    stops.push(maildev.stop);
    env.SMTP_URL = maildev.smtpUrl;
    inboxWeb = maildev.webUrl;
  }

  log('migrating and seeding the demo London directory ...');
  const seed = spawnSync(process.execPath, [join(root, 'bin', 'harbour.js'), 'seed', 'demo'], {
    env,
    stdio: ['ignore', 2, 2],
  });
  if (seed.status !== 0) throw new Error('seeding the demo directory failed');

  const children = services.map((service) => {
    const out = openSync(join(logDir, `${service.name}.log`), 'a');
    const child = spawn(
      process.execPath,
      [
        // No --enable-source-maps: Node would parse every dependency's source map (about 190 MB
        // over the four services, docs/performance.md); logs carry error names and messages.
        '--disable-warning=TimeoutNegativeWarning',
        // A 4 MB young generation, not V8's default for a large machine: each service stays
        // about a third smaller under load, with no cost measured in latency (ADR-39).
        '--max-semi-space-size=4',
        join(root, 'dist', 'services', service.name, 'src', 'main.js'),
      ],
      {
        env: { ...env, ...serviceEnv[service.name], PORT: String(service.port) },
        stdio: ['ignore', out, out],
      },
    );
    stops.push(() => stopChild(child));
    return { service, child };
  });
  await Promise.all(children.map(({ service, child }) => waitReady(service, child)));
  for (const { service, child } of children) {
    child.once('exit', (code) => {
      if (!stopping) {
        log(`${service.name} exited (${code}); see .run/logs/${service.name}.log`);
        void stopAll(1);
      }
    });
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    [
      '',
      `Harbour is up (${seconds} s).`,
      '',
      ...services.map(
        (s) => `  ${s.name.padEnd(14)} http://127.0.0.1:${s.port}   (health: /health, /ready)`,
      ),
      `  kafka          ${env.KAFKA_BROKERS}`,
      `  SMTP inbox     ${env.SMTP_URL}   web view: ${inboxWeb}`,
      `  postgres       ${env.DATABASE_URL.replace(/\/\/[^@]*@/, '//')}`,
      `  logs           .run/logs/`,
      `  demo API keys  .run/demo-keys.json (Camden police SPoC and Camden council: submit; coordinator: admin)`,
      `  console        sign in at ${urlOf('console')} as coordinator@demo.harbour.localhost (the link arrives in the SMTP inbox)`,
      '',
      'Report a missing child (README.md, "Report a missing child"):',
      `  KEY=$(node -p "require('./.run/demo-keys.json').keys.camdenPoliceSubmit.key")`,
      `  curl -i -X POST http://127.0.0.1:${services[0].port}/v1/missing-episodes -H "Authorization: Bearer $KEY" \\`,
      `    -H "Content-Type: application/json" -H "Idempotency-Key: $(node -p "crypto.randomUUID()")" \\`,
      '    -d @docs/examples/missing-episode.json',
      '',
      'Press Ctrl-C to stop everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  log(error instanceof Error ? error.message : String(error));
  void stopAll(1);
});
