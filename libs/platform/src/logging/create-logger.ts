import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino from 'pino';
import type { Logger, LogMethod } from './logger';
import { redactPersonalData, redactText } from './redact-personal-data';

export interface CreateLoggerOptions {
  /** Written on every line as `service`. */
  service: string;
  /** Pino level name (fatal, error, warn, info, debug, trace, silent); default `info`. */
  level?: string;
  /**
   * Where JSON lines go (any writable, or a `pino.destination()`); default standard output,
   * written asynchronously (see `standardOutput`).
   */
  destination?: NodeJS.WritableStream | pino.DestinationStream;
}

/**
 * Structured JSON-lines logger: `time` (ISO), `level` (label), `service`, `msg`, and the active
 * OpenTelemetry `traceId`/`spanId`. Personal data is redacted from every field, message and
 * format argument before the line is built — callers cannot forget to opt in.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => redactPersonalData(bindings) as pino.Bindings,
    },
    // Errors are already turned into redacted plain objects by the hook below.
    serializers: { err: (value: unknown) => value },
    mixin: activeTraceFields,
    hooks: {
      logMethod(args, method) {
        method.apply(this, redactLogArguments(args) as Parameters<pino.LogFn>);
      },
    },
  };
  return new PinoLogger(pino(pinoOptions, options.destination ?? standardOutput()));
}

/**
 * Standard output without blocking the event loop: pino's default writes every line with a
 * synchronous `write(2)` on the service's only thread, in the middle of handling an event. Here
 * a line is handed to the file descriptor in the background, and lines logged while a write is
 * in flight go out together in the next one, so nothing waits at idle and a busy service makes
 * fewer, larger writes. pino flushes what is pending synchronously when the process exits; only
 * a SIGKILL can lose the last few lines (the audit log and the outbox are in Postgres, not here).
 */
export function standardOutput(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false });
}

/** Redacts one log call's arguments, keeping pino's calling convention. */
function redactLogArguments(args: readonly unknown[]): unknown[] {
  const [first, ...rest] = args;
  const restRedacted = rest.map(redactPersonalData);
  if (first instanceof Error) {
    // pino would take the message from the raw Error; take it from the redacted copy instead.
    const err = redactPersonalData(first) as { message?: unknown };
    return restRedacted.length > 0 ? [{ err }, ...restRedacted] : [{ err }, err.message];
  }
  if (first !== null && typeof first === 'object') {
    const fields = redactPersonalData(first) as Record<string, unknown>;
    const err = fields['err'] as { message?: unknown } | undefined;
    if (restRedacted.length === 0 && fields['msg'] === undefined && err?.message !== undefined) {
      return [fields, err.message];
    }
    return [fields, ...restRedacted];
  }
  return [typeof first === 'string' ? redactText(first) : first, ...restRedacted];
}

function activeTraceFields(): Record<string, string> {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}

type Level = 'info' | 'warn' | 'error' | 'debug';

class PinoLogger implements Logger {
  readonly info: LogMethod = (...args: [string | object, ...unknown[]]) => {
    this.write('info', args);
  };
  readonly warn: LogMethod = (...args: [string | object, ...unknown[]]) => {
    this.write('warn', args);
  };
  readonly error: LogMethod = (...args: [string | object, ...unknown[]]) => {
    this.write('error', args);
  };
  readonly debug: LogMethod = (...args: [string | object, ...unknown[]]) => {
    this.write('debug', args);
  };

  constructor(private readonly pino: pino.Logger) {}

  child(bindings: Record<string, unknown>): Logger {
    // pino applies `formatters.bindings` to the root logger's bindings only, not to children's.
    return new PinoLogger(this.pino.child(redactPersonalData(bindings) as pino.Bindings));
  }

  private write(level: Level, args: [string | object, ...unknown[]]): void {
    const method: (...values: unknown[]) => void = this.pino[level];
    method.apply(this.pino, args);
  }
}
