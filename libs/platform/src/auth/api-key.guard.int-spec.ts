import 'reflect-metadata';
import { PassThrough } from 'node:stream';
import { assertTestDatabase, testDatabaseUrl, uniqueName } from '@harbour/testing';
import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { quietNest } from '../test-support/quiet-nest';
import type { DataSource } from 'typeorm';
import { runMigrationsLocked } from '../database/run-migrations-locked';
import { postgresReadiness } from '../health/readiness-checks';
import { configureHttpApp } from '../http/configure-http-app';
import { PlatformModule } from '../http/platform.module';
import { createIdentityDataSource } from '../identity/identity-data-source';
import { IdentityStore } from '../identity/identity-store';
import type { Principal } from '../identity/principal';
import { createLogger } from '../logging/create-logger';
import { TokenBucketRateLimiter } from './api-rate-limit';
import { CurrentPrincipal, RequireKinds, RequireRoles } from './auth-decorators';

// Real Postgres on a shared, busy machine: the 5 s default is too tight for a fresh schema.
jest.setTimeout(60_000);

@Controller('v1/operations')
class OperationsController {
  @Get()
  @RequireRoles('read', 'submit')
  list(@CurrentPrincipal() principal: Principal): { organisation: string; roles: string[] } {
    return { organisation: principal.organisationName, roles: principal.roles };
  }

  @Get('enforcement')
  @RequireKinds('police_borough', 'police_specialist')
  enforcement(): { ok: true } {
    return { ok: true };
  }
}

describe('ApiKeyGuard with the real identity store', () => {
  const schema = uniqueName('platform_guard');
  let dataSource: DataSource;
  let app: INestApplication;
  let baseUrl: string;
  let ngoKey: { key: string; keyId: string };

  beforeAll(async () => {
    assertTestDatabase(testDatabaseUrl());
    dataSource = createIdentityDataSource(testDatabaseUrl(), schema);
    await runMigrationsLocked(dataSource, `harbour:${schema}`);
    const identity = new IdentityStore(dataSource);
    const ngo = await identity.createOrganisation({
      name: 'Hope for Justice London',
      kind: 'ngo',
      boroughs: ['pan_london'],
    });
    ngoKey = await identity.issueApiKey({
      organisationId: ngo.id,
      roles: ['read'],
      label: 'caseworkers',
    });

    const logger = createLogger({ service: 'guard-test', destination: new PassThrough() });

    @Module({
      imports: [
        PlatformModule.forRoot({
          service: 'guard-test',
          logger,
          identity,
          readiness: [postgresReadiness(dataSource)],
        }),
      ],
      controllers: [OperationsController],
    })
    class GuardTestModule {}

    app = await NestFactory.create(GuardTestModule, quietNest());
    configureHttpApp(app, { logger });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  it('answers 401 with a Bearer challenge when no key is sent', async () => {
    const response = await fetch(`${baseUrl}/v1/operations`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="harbour"');
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('lets a good key through and hands the principal to the handler', async () => {
    const response = await fetch(`${baseUrl}/v1/operations`, {
      headers: { authorization: `Bearer ${ngoKey.key}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      organisation: 'Hope for Justice London',
      roles: ['read'],
    });
  });

  it('serves /health and /ready without a key', async () => {
    const health = await fetch(`${baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', service: 'guard-test' });
    const ready = await fetch(`${baseUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'up' } });
  });

  it('answers 403 when the organisation kind is not allowed', async () => {
    const response = await fetch(`${baseUrl}/v1/operations/enforcement`, {
      headers: { authorization: `Bearer ${ngoKey.key}` },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      type: 'https://harbour.example/problems/forbidden',
      status: 403,
    });
  });

  it('answers the same 401 for an unknown key and for a key revoked a moment ago', async () => {
    const identity = new IdentityStore(dataSource);
    const org = await identity.createOrganisation({
      name: 'Camden SPoC',
      kind: 'police_borough',
      boroughs: ['E09000007'],
    });
    const police = await identity.issueApiKey({
      organisationId: org.id,
      roles: ['read'],
      label: 'spoc',
    });
    const before = await fetch(`${baseUrl}/v1/operations/enforcement`, {
      headers: { authorization: `Bearer ${police.key}` },
    });
    expect(before.status).toBe(200);

    await identity.revokeApiKey(police.keyId);
    const revoked = await fetch(`${baseUrl}/v1/operations/enforcement`, {
      headers: { authorization: `Bearer ${police.key}` },
    });
    const unknown = await fetch(`${baseUrl}/v1/operations/enforcement`, {
      headers: { authorization: `Bearer hbr_aaaaaaaaaaaa_${'A'.repeat(43)}` },
    });
    expect(revoked.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await revoked.text()).toBe(await unknown.text());
  });

  it('runs onShutdown when the app closes', async () => {
    let closed = 0;
    @Module({
      imports: [
        PlatformModule.forRoot({
          service: 'closing',
          logger: createLogger({ service: 'closing', destination: new PassThrough() }),
          identity: new IdentityStore(dataSource),
          readiness: [],
          onShutdown: () => {
            closed += 1;
            return Promise.resolve();
          },
        }),
      ],
    })
    class ClosingModule {}

    const closing = await NestFactory.create(ClosingModule, quietNest());
    await closing.init();
    expect(closed).toBe(0);
    await closing.close();
    expect(closed).toBe(1);
  });
  it('limits each key on its own: the request past the burst is 429 with Retry-After, until the bucket refills', async () => {
    let clock = 1_000_000;
    // 60 a minute is one a second; a burst of 3.
    const limiter = new TokenBucketRateLimiter({ perMinute: 60, burst: 3 }, { now: () => clock });
    const identity = new IdentityStore(dataSource);
    const organisation = await identity.createOrganisation({
      name: 'Rate limited NGO',
      kind: 'ngo',
      boroughs: ['pan_london'],
    });
    const issue = () =>
      identity.issueApiKey({ organisationId: organisation.id, roles: ['read'], label: 'loop' });
    const [busy, other] = [await issue(), await issue()];
    const logger = createLogger({ service: 'limited', destination: new PassThrough() });

    @Module({
      imports: [
        PlatformModule.forRoot({
          service: 'limited',
          logger,
          identity,
          readiness: [],
          rateLimit: limiter,
        }),
      ],
      controllers: [OperationsController],
    })
    class LimitedModule {}

    const limited = await NestFactory.create(LimitedModule, quietNest());
    configureHttpApp(limited, { logger });
    await limited.listen(0, '127.0.0.1');
    try {
      const url = `${await limited.getUrl()}/v1/operations`;
      const call = (key: string) => fetch(url, { headers: { authorization: `Bearer ${key}` } });
      for (let i = 0; i < 3; i += 1) expect((await call(busy.key)).status).toBe(200);

      const refused = await call(busy.key);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(await refused.json()).toMatchObject({
        type: 'https://harbour.example/problems/too-many-requests',
        status: 429,
      });
      // Public routes are neither counted nor refused.
      expect((await fetch(`${await limited.getUrl()}/health`)).status).toBe(200);

      // Another key of the same organisation has its own bucket.
      expect((await call(other.key)).status).toBe(200);
      // A wrong secret is 401, never 429: it spends nobody's allowance.
      expect((await call(`${busy.key.slice(0, 17)}${'A'.repeat(43)}`)).status).toBe(401);

      clock += 999;
      expect((await call(busy.key)).status).toBe(429);
      clock += 1;
      expect((await call(busy.key)).status).toBe(200);
      expect((await call(busy.key)).status).toBe(429);
      // A long pause refills to the burst, never beyond it.
      clock += 60_000;
      for (let i = 0; i < 3; i += 1) expect((await call(busy.key)).status).toBe(200);
      expect((await call(busy.key)).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
