import { assertTestDatabase, testDatabaseUrl, testRedisUrl } from '@harbour/testing';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { postgresReadiness, redisReadiness } from './readiness-checks';

// Real Postgres on a shared, busy machine: the 5 s default is too tight for a fresh schema.
jest.setTimeout(60_000);

describe('readiness checks against real dependencies', () => {
  it('postgres is up while the pool is open, and down once it is closed', async () => {
    assertTestDatabase(testDatabaseUrl());
    const dataSource = new DataSource({ type: 'postgres', url: testDatabaseUrl() });
    await dataSource.initialize();
    const readiness = postgresReadiness(dataSource);
    expect(readiness.name).toBe('postgres');
    await expect(readiness.check()).resolves.toBeUndefined();
    await dataSource.destroy();
    await expect(readiness.check()).rejects.toThrow('not initialised');
  });

  it('redis is up when it answers PING', async () => {
    const redis = new Redis(testRedisUrl(), { lazyConnect: true });
    try {
      await expect(redisReadiness(redis).check()).resolves.toBeUndefined();
    } finally {
      await redis.quit();
    }
  });

  it('redis is down within the timeout when the server stops answering', async () => {
    // A server that accepts connections and never replies: a hung Redis, as seen by a client.
    const sockets = new Set<Socket>();
    const hung = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const { port } = hung.address() as AddressInfo;
    const redis = new Redis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      retryStrategy: () => null,
      // ioredis waits this long for a half-closed socket before destroying it; keep Jest prompt.
      disconnectTimeout: 50,
    });
    redis.on('error', () => undefined);
    const started = Date.now();
    try {
      await expect(redisReadiness(redis, 300).check()).rejects.toThrow(
        'redis did not answer within 300 ms',
      );
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      redis.disconnect();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hung.close(resolve));
    }
  });
});
