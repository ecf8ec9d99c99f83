import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { type ReadinessCheck, withTimeout } from './readiness-check';

/** Default time a dependency has to answer a readiness probe. */
export const READINESS_TIMEOUT_MS = 2000;

/** Ready when Postgres answers `SELECT 1` on the service's pool. */
export function postgresReadiness(
  dataSource: DataSource,
  timeoutMs = READINESS_TIMEOUT_MS,
): ReadinessCheck {
  return {
    name: 'postgres',
    async check() {
      if (!dataSource.isInitialized) throw new Error('postgres data source is not initialised');
      await withTimeout(dataSource.query('SELECT 1'), timeoutMs, 'postgres');
    },
  };
}

/** Ready when Redis answers PING. */
export function redisReadiness(redis: Redis, timeoutMs = READINESS_TIMEOUT_MS): ReadinessCheck {
  return {
    name: 'redis',
    async check() {
      await withTimeout(redis.ping(), timeoutMs, 'redis');
    },
  };
}
