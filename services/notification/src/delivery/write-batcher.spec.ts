import { WriteBatcher } from './write-batcher';

/** A write the test finishes by hand, remembering each batch it was given. */
function controlledWrite() {
  const batches: number[][] = [];
  const pending: { records: number[]; finish(fail?: Error): void }[] = [];
  const write = (records: readonly number[]) =>
    new Promise<readonly string[]>((resolve, reject) => {
      batches.push([...records]);
      pending.push({
        records: [...records],
        finish: (fail) => {
          if (fail === undefined) resolve(records.map((r) => `ok ${r}`));
          else reject(fail);
        },
      });
    });
  return { batches, pending, write };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteBatcher', () => {
  it('writes a record at once while writes are free, and groups those that wait', async () => {
    const { batches, pending, write } = controlledWrite();
    const batcher = new WriteBatcher({ write, maxBatch: 3, maxInFlight: 1 });
    const first = batcher.submit(1);
    const waiting = [2, 3, 4, 5].map((r) => batcher.submit(r));
    expect(batches).toEqual([[1]]);

    pending.shift()?.finish();
    await expect(first).resolves.toBe('ok 1');
    await settled();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    pending.shift()?.finish();
    await settled();
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
    pending.shift()?.finish();
    await expect(Promise.all(waiting)).resolves.toEqual(['ok 2', 'ok 3', 'ok 4', 'ok 5']);
  });

  it('runs up to maxInFlight writes side by side', () => {
    const { batches, write } = controlledWrite();
    const batcher = new WriteBatcher({ write, maxBatch: 10, maxInFlight: 2 });
    for (const r of [1, 2, 3, 4]) void batcher.submit(r);
    expect(batches).toEqual([[1], [2]]);
  });

  it('writes each record of a failed batch on its own, so one refused record fails alone', async () => {
    const refused = new Error('refused');
    const write = jest.fn((records: readonly number[]) =>
      records.includes(3)
        ? Promise.reject(refused)
        : Promise.resolve(records.map((r) => `ok ${r}`)),
    );
    const batcher = new WriteBatcher({ write, maxBatch: 10, maxInFlight: 1 });
    const first = batcher.submit(1);
    const others = [2, 3, 4].map((r) => batcher.submit(r));
    await first;
    const outcomes = await Promise.allSettled(others);
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'ok 2' },
      { status: 'rejected', reason: refused },
      { status: 'fulfilled', value: 'ok 4' },
    ]);
    expect(write.mock.calls.map(([records]) => records)).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('fails a lone record with the write error', async () => {
    const batcher = new WriteBatcher<number, string>({
      write: () => Promise.reject(new Error('database away')),
      maxBatch: 10,
      maxInFlight: 1,
    });
    await expect(batcher.submit(1)).rejects.toThrow('database away');
  });

  it('refuses an answer that does not match the batch', async () => {
    const batcher = new WriteBatcher<number, string>({
      write: () => Promise.resolve([]),
      maxBatch: 10,
      maxInFlight: 1,
    });
    await expect(batcher.submit(1)).rejects.toThrow(/answered 0 times/);
  });
});
