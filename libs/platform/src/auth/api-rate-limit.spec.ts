import { ConfigError } from '../config/config-error';
import { apiRateLimitOf, TokenBucketRateLimiter, TooManyRequestsProblem } from './api-rate-limit';

describe('TokenBucketRateLimiter', () => {
  let clock = 0;
  const limiter = (perMinute: number, burst: number) =>
    new TokenBucketRateLimiter({ perMinute, burst }, { now: () => clock });

  beforeEach(() => {
    clock = 0;
  });

  it('lets a burst through, refuses the next, and says when a token will be there', () => {
    const bucket = limiter(120, 5);
    for (let i = 0; i < 5; i += 1) expect(bucket.take('k')).toEqual({ allowed: true });
    // Two a second: the next token in half a second, reported as a whole second.
    expect(bucket.take('k')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    clock += 499;
    expect(bucket.take('k').allowed).toBe(false);
    clock += 1;
    expect(bucket.take('k')).toEqual({ allowed: true });
  });

  it('counts keys apart', () => {
    const bucket = limiter(60, 1);
    expect(bucket.take('a').allowed).toBe(true);
    expect(bucket.take('a').allowed).toBe(false);
    expect(bucket.take('b').allowed).toBe(true);
  });

  it('refills at the sustained rate, never above the burst', () => {
    const bucket = limiter(6, 2);
    bucket.take('k');
    bucket.take('k');
    // Six a minute: ten seconds a token; an empty bucket waits the full ten.
    expect(bucket.take('k')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    clock += 3_600_000;
    expect(bucket.take('k').allowed).toBe(true);
    expect(bucket.take('k').allowed).toBe(true);
    expect(bucket.take('k').allowed).toBe(false);
  });

  it('refuses settings that would refuse everything', () => {
    expect(() => limiter(0, 5)).toThrow(RangeError);
    expect(() => limiter(60, 0)).toThrow(RangeError);
  });

  it('keeps its memory bounded: full buckets are forgotten, which changes no answer', () => {
    const bucket = limiter(60, 1);
    for (let i = 0; i < 10_000; i += 1) bucket.take(`key-${i}`);
    clock += 1000;
    // Every bucket is full again; adding one more sweeps them, and each key starts full.
    expect(bucket.take('newcomer').allowed).toBe(true);
    expect(bucket.take('key-0').allowed).toBe(true);
    expect(bucket.take('key-0').allowed).toBe(false);
  });
});

describe('apiRateLimitOf', () => {
  it("reads a service's config and refuses limits below 1", () => {
    expect(apiRateLimitOf({ API_RATE_LIMIT_PER_MINUTE: 600, API_RATE_LIMIT_BURST: 50 })).toEqual({
      perMinute: 600,
      burst: 50,
    });
    expect(() => apiRateLimitOf({ API_RATE_LIMIT_PER_MINUTE: 0, API_RATE_LIMIT_BURST: 0 })).toThrow(
      ConfigError,
    );
  });
});

describe('TooManyRequestsProblem', () => {
  it('is a 429 carrying Retry-After', () => {
    const problem = new TooManyRequestsProblem(7);
    expect(problem.getStatus()).toBe(429);
    expect(problem.headers).toEqual({ 'Retry-After': '7' });
  });
});
