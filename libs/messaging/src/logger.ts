/**
 * The logging this library needs, structurally: pino's logger satisfies it, so services pass
 * their own (redacting) logger and nothing here depends on a logging library.
 * Every call is `(fields, message)`; fields never carry event payloads.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A short, payload-free description of an error for logs and headers. */
export function describeError(error: unknown, maxLength = 300): string {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : `Non-error thrown: ${typeof error}`;
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > maxLength ? `${oneLine.slice(0, maxLength - 1)}…` : oneLine;
}
