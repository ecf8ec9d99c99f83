/*
 * The fault-injection suite (issue 8): the four built services under open-loop load while a
 * piece breaks — a service SIGKILLed, the Kafka broker stopped, Redis restarted empty, Postgres
 * restarted, the SMTP sink down, a partner's webhook failing, an escalation due while
 * notification is down — each scenario ending with an exact reconciliation of expected against
 * arrived deliveries. Everything runs on infrastructure the suite starts itself on free ports
 * and stops by pid; the machine's shared Postgres, Redis and Kafka are never touched.
 *
 *   npm run test:faults            (builds into .run/faults-build, then runs this file)
 *
 * Settings (env, defaults follow the issue): FAULTS_ONLY (comma-separated scenario keys),
 * FAULTS_RATE (5 reports/s), FAULTS_KAFKA_DOWN_MS (30000), FAULTS_SMTP_DOWN_MS (60000),
 * FAULTS_WEBHOOK_FAILING_MS (60000), FAULTS_POSTGRES_DOWN_MS (10000), FAULTS_REDIS_DOWN_MS (2000),
 * FAULTS_LEAD_MS (5000), FAULTS_TAIL_MS (5000), FAULTS_SETTLE_MS (180000),
 * FAULTS_DUPLICATE_WINDOW_MS (5000), FAULTS_KEEP=1 (keep the work folder with service logs).
 * Exit code 1 when any scenario lost or duplicated a delivery, or could not run.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FaultStack } from './fault-stack';
import { formatTable, passed, type Reconciliation } from './reconcile';
import { SCENARIOS } from './catalog';
import { type Directory, type FaultSettings, settleAndReconcile } from './scenarios';
import { MissingChildLoad } from './load';

const CAMDEN = 'E09000007';

function setting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'deploy', 'kafka', 'kafka.sh'))) return dir;
    if (dirname(dir) === dir) throw new Error('deploy/kafka/kafka.sh not found above the suite');
  }
}

const log = (line: string) => process.stdout.write(`${line}\n`);

function idOf(cliOutput: string): string {
  const match = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(cliOutput);
  if (!match) throw new Error(`no id in the CLI's answer`);
  return match[0];
}

/**
 * The directory: a police borough that reports, and in Camden a missing-person unit by e-mail
 * and the council's children's services by webhook — every report reaches exactly those two —
 * plus the coordinator, who hears only of escalations.
 */
function createDirectory(stack: FaultStack): Directory {
  const org = (name: string, kind: string, borough: string) =>
    idOf(stack.cli('org', 'add', '--name', name, '--kind', kind, '--borough', borough));
  const police = org('Camden Police faults', 'police_borough', CAMDEN);
  const key = /hbr_[A-Za-z0-9_-]+/.exec(
    stack.cli('key', 'issue', '--org', police, '--role', 'submit'),
  )?.[0];
  if (!key) throw new Error('no API key printed');
  const mpu = 'mpu-camden@faults.harbour.localhost';
  stack.cli(
    'contact',
    'add',
    '--org',
    org('Camden MPU faults', 'missing_person_unit', CAMDEN),
    '--email',
    mpu,
  );
  const councilPath = '/camden-children';
  stack.cli(
    'contact',
    'add',
    '--org',
    org('Camden children faults', 'local_authority', CAMDEN),
    '--webhook',
    stack.webhooks.url(councilPath),
  );
  const coordinator = 'coordinator@faults.harbour.localhost';
  stack.cli(
    'contact',
    'add',
    '--org',
    org('Hub faults', 'coordinator', 'pan_london'),
    '--email',
    coordinator,
  );
  return {
    policeKey: key,
    borough: CAMDEN,
    recipients: [
      { channel: 'email', recipient: mpu },
      { channel: 'webhook', recipient: councilPath },
    ],
    coordinator,
  };
}

async function main(): Promise<number> {
  const started = Date.now();
  const built = join(__dirname, '..', '..');
  const root = repositoryRoot(built);
  const workDir = mkdtempSync(join(tmpdir(), 'harbour-faults-'));
  // The private Postgres runs as `postgres` when the suite runs as root: it must reach its folder.
  chmodSync(workDir, 0o755);
  const settings: FaultSettings = {
    ratePerSecond: setting('FAULTS_RATE', 5),
    leadMs: setting('FAULTS_LEAD_MS', 5_000),
    tailMs: setting('FAULTS_TAIL_MS', 5_000),
    kafkaDownMs: setting('FAULTS_KAFKA_DOWN_MS', 30_000),
    redisDownMs: setting('FAULTS_REDIS_DOWN_MS', 2_000),
    postgresDownMs: setting('FAULTS_POSTGRES_DOWN_MS', 10_000),
    smtpDownMs: setting('FAULTS_SMTP_DOWN_MS', 60_000),
    webhookFailingMs: setting('FAULTS_WEBHOOK_FAILING_MS', 60_000),
    settleMs: setting('FAULTS_SETTLE_MS', 180_000),
    duplicateWindowMs: setting('FAULTS_DUPLICATE_WINDOW_MS', 5_000),
    clientRetryMs: setting('FAULTS_CLIENT_RETRY_MS', 180_000),
  };
  const only = process.env['FAULTS_ONLY']?.split(',').map((s) => s.trim());
  const unknown = only?.filter((key) => !(key in SCENARIOS)) ?? [];
  if (unknown.length > 0) {
    throw new Error(
      `unknown scenario ${unknown.join(', ')}: use ${Object.keys(SCENARIOS).join(', ')}`,
    );
  }
  const selected = Object.entries(SCENARIOS).filter(([key]) => !only || only.includes(key));

  const stack = new FaultStack({ root, built, workDir });
  let stopping: Promise<void> | undefined;
  const stopEverything = () => (stopping ??= stack.destroy());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`faults: ${signal}: stopping everything the suite started`);
      void stopEverything().then(() => process.exit(130));
    });
  }
  const rows: Reconciliation[] = [];
  let failure: unknown;
  try {
    log(`faults: starting private Postgres, Redis, Kafka, SMTP and webhook sinks in ${workDir}`);
    await stack.startInfrastructure();
    const directory = createDirectory(stack);
    await stack.startServices();
    log(`faults: stack ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const context = { stack, directory, settings, log };

    // Calibration: with nothing broken, a few reports reach exactly the expected recipients.
    const calibration = new MissingChildLoad({
      intakeUrl: () => stack.url('intake'),
      apiKey: directory.policeKey,
      borough: directory.borough,
      ratePerSecond: settings.ratePerSecond,
      retryForMs: settings.clientRetryMs,
    });
    calibration.start();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    rows.push(await settleAndReconcile(context, 'none (baseline)', await calibration.stop()));

    for (const [key, scenario] of selected) {
      const scenarioStarted = Date.now();
      log(`faults: ${key}: ${scenario.name}`);
      try {
        rows.push(await scenario.run(context));
      } catch (error) {
        rows.push({
          fault: scenario.name,
          events: 0,
          accepted: 0,
          notAccepted: 0,
          expected: 0,
          delivered: 0,
          duplicates: 0,
          resent: 0,
          lost: 0,
          worstDelayMs: 0,
          problems: [`could not run: ${(error as Error).message.slice(0, 300)}`],
          details: [],
        });
      }
      log(`faults: ${key} took ${((Date.now() - scenarioStarted) / 1000).toFixed(0)} s`);
    }
  } catch (error) {
    failure = error;
  } finally {
    await stopEverything();
    if (process.env['FAULTS_KEEP'] === '1') log(`faults: kept ${workDir} (service logs in logs/)`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  log('');
  log(formatTable(rows));
  for (const row of rows) {
    for (const detail of row.details) log(`  ${row.fault}: duplicate ${detail}`);
  }
  const notAccepted = rows.reduce((n, r) => n + r.notAccepted, 0);
  if (notAccepted > 0)
    log(`faults: ${notAccepted} reports were never accepted by intake (not counted as expected)`);
  log(`faults: total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (failure) {
    process.stderr.write(
      `faults: the suite could not run: ${failure instanceof Error ? (failure.stack ?? failure.message) : 'unknown error'}\n`,
    );
    return 1;
  }
  return rows.every(passed) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`faults: ${String(error)}\n`);
    process.exit(1);
  },
);
