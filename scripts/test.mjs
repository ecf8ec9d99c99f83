// `npm test`: every test (unit, integration, end-to-end) against real infrastructure.
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
  const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  const args = [jest, '--maxWorkers=2', ...process.argv.slice(2)];
  const result = spawnSync(process.execPath, args, {
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
