import { CommanderError } from 'commander';
import { ConfigError, createLogger, LOG_LEVELS } from '@harbour/platform';
import { CliError } from './cli-error';
import { buildProgram, type CliIo } from './program';

const io: CliIo = {
  out: (text) => {
    process.stdout.write(`${text}\n`);
  },
  err: (text) => {
    process.stderr.write(`${text}\n`);
  },
};

/** Connection failures are the environment, not a bug: say which setting to check. */
function explain(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof ConfigError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') {
    return `cannot connect (${code}): is Postgres running and DATABASE_URL right?`;
  }
  if (code === '3D000' || code === '28P01' || code === '28000') {
    return `Postgres refused the connection (${code}): check DATABASE_URL`;
  }
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  if (/KafkaJS/i.test(name)) return `Kafka: ${message} (check KAFKA_BROKERS)`;
  return `${name}: ${message}`;
}

/**
 * kafkajs 2.2.4 schedules timers with a negative delay on Node 24, which Node clamps to 1 ms and
 * reports as TimeoutNegativeWarning: harmless, and noise in a terminal. Other warnings still print.
 */
function quietKnownWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') io.err(`(${warning.name}) ${warning.message}`);
  });
}

async function main(): Promise<number> {
  quietKnownWarnings();
  const requested = process.env['LOG_LEVEL'];
  const level = LOG_LEVELS.find((l) => l === requested) ?? 'warn';
  const logger = createLogger({ service: 'harbour-cli', level, destination: process.stderr });
  const program = buildProgram({ io, env: process.env, logger });
  try {
    await program.parseAsync(process.argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the usage problem (or the help/version) already.
      return error.exitCode;
    }
    io.err(`harbour: ${explain(error)}`);
    if (process.env['HARBOUR_DEBUG'] && error instanceof Error && error.stack) io.err(error.stack);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

void main().then((code) => {
  process.exitCode = code;
});
