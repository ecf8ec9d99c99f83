import { HttpStatus } from '@nestjs/common';
import { ConfigError, type ConfigIssue } from '../config/config-error';
import { ProblemException } from '../problems/problem-exceptions';
import { problemType } from '../problems/problem-types';

/** Injection token of the service's `ApiRateLimiter` (provided by `PlatformModule`). */
export const API_RATE_LIMITER = Symbol('API_RATE_LIMITER');

/**
 * Requests one API key may make: `perMinute` sustained, and up to `burst` at once after a quiet
 * spell. The defaults (`API_RATE_LIMIT_PER_MINUTE`, `API_RATE_LIMIT_BURST`) let a partner's
 * case system catch up a backlog at full speed, and cut a client stuck in a loop to 20 requests
 * a second before it can crowd out the others.
 */
export interface ApiRateLimitSettings {
  perMinute: number;
  burst: number;
}

export const DEFAULT_API_RATE_LIMIT: ApiRateLimitSettings = { perMinute: 1200, burst: 1200 };

/**
 * The settings a service's loaded config holds (`httpConfig` declares both variables); a
 * `ConfigError` when either is below 1, so the service refuses to start rather than refuse
 * every request.
 */
export function apiRateLimitOf(config: {
  API_RATE_LIMIT_PER_MINUTE: number;
  API_RATE_LIMIT_BURST: number;
}): ApiRateLimitSettings {
  const issues: ConfigIssue[] = (['API_RATE_LIMIT_PER_MINUTE', 'API_RATE_LIMIT_BURST'] as const)
    .filter((variable) => config[variable] < 1)
    .map((variable) => ({
      variable,
      reason: `${config[variable]} is less than 1`,
      description: 'requests per API key (see docs/security.md)',
    }));
  if (issues.length > 0) throw new ConfigError(issues);
  return { perMinute: config.API_RATE_LIMIT_PER_MINUTE, burst: config.API_RATE_LIMIT_BURST };
}

/** What one request costs the caller's bucket: let through, or refused until `retryAfterSeconds`. */
export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface ApiRateLimiter {
  /** Takes one request from the bucket of `keyId` (an API key's id, never its secret). */
  take(keyId: string): RateLimitVerdict;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in clock milliseconds. */
  at: number;
}

/**
 * Above this many buckets, full ones are dropped before a new one is added: a full bucket is
 * exactly what a new one would be, so forgetting it changes nothing, and memory stays bounded
 * by the keys active in the last `burst / rate` seconds.
 */
const SWEEP_ABOVE = 10_000;

/**
 * One token bucket per API key, in this process's memory. Each instance of a service counts on
 * its own, so behind a load balancer with N instances a key may make up to N times the limit:
 * the limit protects each instance from one client, it is not a quota. Shared counting would
 * need Redis on every request of every service; a per-instance bucket needs nothing.
 */
export class TokenBucketRateLimiter implements ApiRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly now: () => number;

  constructor(
    private readonly settings: ApiRateLimitSettings,
    options: { now?: () => number } = {},
  ) {
    if (!(settings.perMinute > 0) || !(settings.burst >= 1)) {
      throw new RangeError(
        'a rate limit needs more than 0 requests a minute and a burst of 1 or more',
      );
    }
    this.perMs = settings.perMinute / 60_000;
    this.now = options.now ?? Date.now;
  }

  take(keyId: string): RateLimitVerdict {
    const now = this.now();
    const bucket = this.bucketOf(keyId, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    // Whole seconds, rounded up: retrying at Retry-After always finds a token.
    const waitMs = (1 - bucket.tokens) / this.perMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  private bucketOf(keyId: string, now: number): Bucket {
    const existing = this.buckets.get(keyId);
    if (existing !== undefined) {
      const elapsed = Math.max(0, now - existing.at);
      existing.tokens = Math.min(this.settings.burst, existing.tokens + elapsed * this.perMs);
      existing.at = now;
      return existing;
    }
    if (this.buckets.size >= SWEEP_ABOVE) this.forgetFullBuckets(now);
    const fresh = { tokens: this.settings.burst, at: now };
    this.buckets.set(keyId, fresh);
    return fresh;
  }

  private forgetFullBuckets(now: number): void {
    for (const [keyId, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.perMs >= this.settings.burst) {
        this.buckets.delete(keyId);
      }
    }
  }
}

/** 429: this API key has used up its requests for now; `Retry-After` says when to try again. */
export class TooManyRequestsProblem extends ProblemException {
  constructor(retryAfterSeconds: number) {
    super(
      HttpStatus.TOO_MANY_REQUESTS,
      problemType('too-many-requests'),
      'Too many requests.',
      `This API key has made too many requests; try again in ${retryAfterSeconds} s.`,
      undefined,
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}
