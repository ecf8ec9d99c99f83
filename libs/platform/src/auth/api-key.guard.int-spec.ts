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
import { CurrentPrincipal, RequireKinds, RequireRoles } from './auth-decorators';

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
});
