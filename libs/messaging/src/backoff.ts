export interface RetryPolicy {
  /** Handler attempts in all, the first included. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
};

/**
 * Delay before retry number `retry` (1 = the first retry): exponential, capped at `maxDelayMs`,
 * with "equal jitter" — half the delay fixed, half random — so consumers that failed together do
 * not retry in lockstep, yet never retry immediately. Always within [ceiling / 2, ceiling].
 */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(retry - 1, 30));
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Waits `ms`, calling `heartbeat` at least every `heartbeatEveryMs` so the consumer keeps its
 * partitions. Resolves `false` if `signal` aborts the wait (shutdown) or a heartbeat fails
 * (rebalance): the caller should then hand the message back instead of finishing it.
 */
export async function waitWithHeartbeat(
  ms: number,
  heartbeat: () => Promise<void>,
  heartbeatEveryMs: number,
  signal: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (signal.aborted) return false;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return true;
    const aborted = await abortableSleep(Math.min(remaining, heartbeatEveryMs), signal);
    if (aborted) return false;
    try {
      await heartbeat();
    } catch {
      return false;
    }
  }
}

/** Resolves `true` if the wait was cut short by `signal`. */
function abortableSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve(signal.aborted);
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
