import { ConfigError } from '../config/config-error';
import { LOG_LEVELS } from '../config/config-fragments';
import { createLogger } from '../logging/create-logger';
import type { Telemetry } from '../telemetry/start-telemetry';

/** What `start` hands back: something that stops cleanly (a Nest application does). */
export interface RunningService {
  close(): Promise<void>;
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Runs a service process from `main.ts`: calls `start`, and on SIGTERM/SIGINT closes what it
 * returned (Nest's shutdown hooks share the same close), flushes telemetry and exits 0.
 *
 * A `ConfigError` at start is printed as it is (it is written for the operator) and the process
 * exits 1; any other start failure, and any uncaught error later, is logged as a redacted JSON
 * line before exiting 1 — Node's default crash output could print personal data.
 */
export function runService(
  service: string,
  telemetry: Telemetry,
  start: () => Promise<RunningService>,
): void {
  // Config is not loaded yet (loading it is part of `start`), so the level is read directly.
  const requested = process.env['LOG_LEVEL'];
  const level = LOG_LEVELS.find((name) => name === requested) ?? 'info';
  const logger = createLogger({ service, level });
  let running: RunningService | undefined;
  let stopping = false;

  const fail = (error: unknown, message: string): void => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else logger.error({ err: error }, message);
    void telemetry.shutdown().finally(() => process.exit(1));
  };

  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const closing = running?.close() ?? Promise.resolve();
    closing
      .then(() => telemetry.shutdown())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          fail(error, 'stop failed');
        },
      );
  };

  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  process.on('uncaughtException', (error) => {
    fail(error, 'uncaught exception');
  });
  process.on('unhandledRejection', (reason) => {
    fail(reason, 'unhandled promise rejection');
  });

  start().then(
    (service) => {
      running = service;
      logger.info('started');
    },
    (error: unknown) => {
      fail(error, 'start failed');
    },
  );
}
