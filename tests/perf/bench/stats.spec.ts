import { percentile, ratio, summarize } from './stats';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('picks a value really measured, the smallest with p% at or below it', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([10, 20, 30], 99)).toBe(30);
    expect(percentile([7], 1)).toBe(7);
  });

  it('has nothing to say about no values, and refuses a percentile outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts unsorted values and rounds to 0.1 ms', () => {
    expect(summarize([3.14159, 1, 2, 1000.04, 5])).toEqual({
      p50: 3.1,
      p95: 1000,
      p99: 1000,
      max: 1000,
    });
  });

  it('reports nulls for a run with no measurements', () => {
    expect(summarize([])).toEqual({ p50: null, p95: null, p99: null, max: null });
  });
});

describe('ratio', () => {
  it('divides to two decimals, and is null without both figures or with a zero floor', () => {
    expect(ratio(30, 10)).toBe(3);
    expect(ratio(10, 3)).toBe(3.33);
    expect(ratio(null, 3)).toBeNull();
    expect(ratio(3, null)).toBeNull();
    expect(ratio(3, 0)).toBeNull();
  });
});
