/** One dependency `/ready` checks. `check` resolves when it is usable and rejects when not. */
export interface ReadinessCheck {
  /** Shown in the `/ready` body, e.g. `postgres`, `redis`, `kafka`. */
  name: string;
  check(): Promise<void>;
}

/** Rejects when `work` takes longer than `ms`, so one hung dependency cannot hang `/ready`. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} did not answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
