/** A log call: a message, or structured fields and then an optional message. */
export interface LogMethod {
  (message: string, ...args: unknown[]): void;
  (fields: object, message?: string, ...args: unknown[]): void;
}

/**
 * The small logging surface Harbour code depends on. `createLogger` returns one that redacts
 * personal data; other libraries accept any implementation (tests pass a recording fake).
 */
export interface Logger {
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  debug: LogMethod;
  /** A logger whose every line also carries `bindings` (redacted like any other field). */
  child(bindings: Record<string, unknown>): Logger;
}
