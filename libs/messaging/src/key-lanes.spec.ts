import { FinishedPrefix, lanesByKey, Slots } from './key-lanes';

describe('lanesByKey', () => {
  it('keeps each key’s messages in order, one lane per key, lanes in order of first message', () => {
    expect(lanesByKey(['a', 'b', 'a', Buffer.from('c'), 'b', 'a'])).toEqual([
      [0, 2, 5],
      [1, 4],
      [3],
    ]);
  });

  it('puts messages without a key in one lane of their own, apart from any key', () => {
    expect(lanesByKey([null, '-', undefined, 'k-', null])).toEqual([[0, 2, 4], [1], [3]]);
  });

  it('treats a key as bytes or text alike', () => {
    expect(lanesByKey([Buffer.from('x'), 'x'])).toEqual([[0, 1]]);
  });
});

describe('FinishedPrefix', () => {
  it('grows only over an unbroken run from the start of the batch', () => {
    const prefix = new FinishedPrefix(4);
    expect(prefix.finish(2)).toEqual([]);
    expect(prefix.finish(1)).toEqual([]);
    expect(prefix.length).toBe(0);
    expect(prefix.finish(0)).toEqual([0, 1, 2]);
    expect(prefix.length).toBe(3);
    expect(prefix.finish(3)).toEqual([3]);
    expect(prefix.length).toBe(4);
  });
});

describe('Slots', () => {
  it('lets at most `size` holders in and serves waiters in arrival order', async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    await slots.acquire();
    await slots.acquire();
    const third = slots.acquire().then(() => order.push('third'));
    const fourth = slots.acquire().then(() => order.push('fourth'));
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.release();
    await third;
    expect(order).toEqual(['third']);
    slots.release();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
  });

  it('refuses a size below one', () => {
    expect(() => new Slots(0)).toThrow('positive integer');
  });
});
