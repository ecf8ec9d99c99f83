export interface EventuallyOptions {
  /** Give up after this long (default 20 s). */
  timeoutMs?: number;
  /** Wait between attempts (default 100 ms). */
  intervalMs?: number;
  /** Named in the failure message, so a timeout says what never happened. */
  description?: string;
}

/**
 * Polls `probe` until it returns (or resolves) without throwing, and returns its value.
 * Async effects are awaited this way instead of sleeping a fixed time.
 */
export async function expectEventually<T>(
  probe: () => T | Promise<T>,
  options: EventuallyOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const what = options.description ?? 'condition';
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}: ${reason}`, {
    cause: lastError,
  });
}
