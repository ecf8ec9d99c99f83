import { backoffDelay, waitWithHeartbeat } from './backoff';

const policy = { initialDelayMs: 200, maxDelayMs: 5_000 };

describe('retry back-off', () => {
  it('doubles from the initial delay, with jitter within [half, full] of each step', () => {
    const expectedCeilings = [200, 400, 800, 1_600, 3_200, 5_000, 5_000];
    expectedCeilings.forEach((ceiling, i) => {
      const retry = i + 1;
      expect(backoffDelay(retry, policy, () => 0)).toBe(ceiling / 2);
      expect(backoffDelay(retry, policy, () => 0.999999)).toBe(ceiling);
      for (let n = 0; n < 50; n++) {
        const delay = backoffDelay(retry, policy);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    });
  });

  it('never exceeds the maximum, however many retries', () => {
    for (const retry of [10, 31, 64, 1_000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffDelay(retry, policy, () => 1)).toBe(5_000);
    }
  });

  it('spreads retries of consumers that failed together', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(4, policy)));
    expect(delays.size).toBeGreaterThan(1);
  });
});

describe('waiting between retries', () => {
  it('heartbeats while it waits, so the consumer keeps its partitions', async () => {
    const heartbeat = jest.fn(() => Promise.resolve());
    const started = Date.now();
    await expect(waitWithHeartbeat(120, heartbeat, 20, new AbortController().signal)).resolves.toBe(
      true,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    expect(heartbeat.mock.calls.length).toBeGreaterThanOrEqual(4);
  });

  it('stops early when shutdown aborts it', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const waiting = waitWithHeartbeat(10_000, () => Promise.resolve(), 1_000, abort.signal);
    abort.abort();
    await expect(waiting).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stops early when a heartbeat fails (the group is rebalancing)', async () => {
    const heartbeat = jest.fn(() => Promise.reject(new Error('REBALANCE_IN_PROGRESS')));
    await expect(
      waitWithHeartbeat(10_000, heartbeat, 10, new AbortController().signal),
    ).resolves.toBe(false);
    expect(heartbeat).toHaveBeenCalledTimes(1);
  });
});
