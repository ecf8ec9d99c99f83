// `npm test`: every test (unit and integration, then end-to-end) against real infrastructure.
// Uses DATABASE_URL / REDIS_URL / KAFKA_BROKERS / SMTP_URL when given; otherwise this machine's
// Postgres and Redis, and a Kafka broker of its own on 127.0.0.1:19092 (stopped afterwards).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { log, reachable, root, startKafka } from './lib/local-infra.mjs';

const stops = [];
async function main() {
  if (!process.env.DATABASE_URL && (await reachable('127.0.0.1', 5432))) {
    process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
  }
  if (!process.env.REDIS_URL && (await reachable('127.0.0.1', 6379))) {
    process.env.REDIS_URL = 'redis://127.0.0.1:6379';
  }
  if (!process.env.KAFKA_BROKERS) {
    // The tests get a broker of their own (not the one `npm start` runs on 9092): test events on
    // the demo stack's topics would alert its demo partners.
    const port = Number(process.env.HARBOUR_TEST_KAFKA_PORT ?? 19092);
    if (await reachable('127.0.0.1', port)) {
      throw new Error(`port ${port} is taken; set HARBOUR_TEST_KAFKA_PORT or KAFKA_BROKERS`);
    }
    log(`starting a Kafka broker for the tests on 127.0.0.1:${port} ...`);
    stops.push(
      await startKafka({
        dataDir: join(root, '.run', 'kafka-test'),
        port,
        controllerPort: port + 1,
      }),
    );
    process.env.KAFKA_BROKERS = `127.0.0.1:${port}`;
  }
  const given = process.argv.slice(2);
  if (given.length > 0) return jest(given);
  // Everything: unit and integration first, then end to end. Not at once: an end-to-end stack's
  // services and an integration test's consume the same topics of the one broker, so a service
  // started by an integration test would decide on a story's events (a bed request it has no bed
  // for is "unmatched") and change what the story's own stack sees. Jest's summary of the second
  // run is the last line; the exit code is the worse of the two.
  const first = jest(['--selectProjects', 'unit', 'integration']);
  const second = jest(['--selectProjects', 'e2e']);
  return Math.max(first, second);
}

/** One Jest run over this workspace's projects, its output as it comes; its exit code. */
function jest(args) {
  const bin = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  const result = spawnSync(process.execPath, [bin, '--maxWorkers=2', ...args], {
    cwd: root,
    stdio: 'inherit',
    env: process.env,
  });
  return result.status ?? 1;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  log(error instanceof Error ? error.message : String(error));
} finally {
  for (const stop of stops.reverse()) stop();
}
process.exit(code);
