import { ConfigError } from '../config/config-error';
import { LOG_LEVELS } from '../config/config-fragments';
import { createLogger } from '../logging/create-logger';
import type { Telemetry } from '../telemetry/start-telemetry';

/** What `start` hands back: something that stops cleanly (a Nest application does). */
export interface RunningService {
  close(): Promise<void>;
  /** Where it listens (Nest apps have it), for the start-up log line. */
  getUrl?(): Promise<string>;
}

/** The parts of `process` that `runService` uses; tests pass a stand-in. */
export interface ServiceProcess {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  exit(code: number): void;
}

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'];

/**
 * Runs a service process from `main.ts`: calls `start`, and on SIGTERM/SIGINT closes what it
 * returned (Nest's own shutdown hooks share the same close), flushes telemetry and exits 0.
 *
 * A `ConfigError` at start is printed as it is (it is written for the operator) and the process
 * exits 1; any other start failure, and any uncaught error later, is logged as a redacted JSON
 * line before exiting 1 — Node's default crash output could print personal data.
 */
export function runService(
  service: string,
  telemetry: Telemetry,
  start: () => Promise<RunningService>,
  host: ServiceProcess = process,
): void {
  // Config is not loaded yet (loading it is part of `start`), so the level is read directly.
  const requested = host.env['LOG_LEVEL'];
  const level = LOG_LEVELS.find((name) => name === requested) ?? 'info';
  const logger = createLogger({ service, level, destination: host.stdout });
  let running: RunningService | undefined;
  let stopping = false;

  const exitAfterTelemetry = (code: number): void => {
    telemetry.shutdown().then(
      () => {
        host.exit(code);
      },
      () => {
        host.exit(code);
      },
    );
  };

  const fail = (error: unknown, message: string): void => {
    if (error instanceof ConfigError) host.stderr.write(`${error.message}\n`);
    else logger.error({ err: error }, message);
    exitAfterTelemetry(1);
  };

  const stop = (signal: unknown): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    (running?.close() ?? Promise.resolve()).then(
      () => {
        exitAfterTelemetry(0);
      },
      (error: unknown) => {
        fail(error, 'stop failed');
      },
    );
  };

  for (const signal of STOP_SIGNALS) host.on(signal, stop);
  host.on('uncaughtException', (error) => {
    fail(error, 'uncaught exception');
  });
  host.on('unhandledRejection', (reason) => {
    fail(reason, 'unhandled promise rejection');
  });

  start().then(
    async (started) => {
      running = started;
      const url = await started.getUrl?.().catch(() => undefined);
      logger.info(url ? { url } : {}, 'started');
    },
    (error: unknown) => {
      fail(error, 'start failed');
    },
  );
}
