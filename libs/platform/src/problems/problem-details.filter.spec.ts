import 'reflect-metadata';
import { PassThrough } from 'node:stream';
import { Body, Controller, Get, type INestApplication, Module, Post } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory } from '@nestjs/core';
import { quietNest } from '../test-support/quiet-nest';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentPrincipal, Public, RequireKinds, RequireRoles } from '../auth/auth-decorators';
import { HealthModule } from '../health/health.module';
import type { Principal } from '../identity/principal';
import { configureHttpApp } from '../http/configure-http-app';
import { createLogger } from '../logging/create-logger';
import { HARBOUR_LOGGER, IDENTITY_STORE } from '../tokens';
import { ProblemDetailsFilter } from './problem-details.filter';
import {
  ConflictProblem,
  NotFoundProblem,
  UnprocessableProblem,
  ValidationProblem,
} from './problem-exceptions';

const GOOD_KEY = 'good-key-for-a-police-borough';
const principal: Principal = {
  organisationId: '7d0b6f2e-1c1a-4c55-9f59-6a4b1f0f7c11',
  organisationName: 'Camden SPoC',
  organisationKind: 'police_borough',
  boroughs: ['E09000007'],
  roles: ['submit'],
  keyId: 'b6a7f0f4-55b2-4d4f-bb0e-8c1f1c7e2a10',
};

/** Stands in for the identity store: this suite is about HTTP mapping, not key storage. */
const fakeIdentity = {
  authenticate: (key: string) => Promise.resolve(key === GOOD_KEY ? principal : null),
};

@Controller('things')
class ThingsController {
  @Post()
  create(@Body() _body: unknown): never {
    throw new ValidationProblem([
      { pointer: '/borough', message: 'must be a London GSS code' },
      { pointer: '/startsAt', message: 'must be a date-time' },
    ]);
  }

  @Post('echo')
  echo(@Body() body: unknown): { bytes: number } {
    return { bytes: JSON.stringify(body).length };
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundProblem('No operation op-404.');
  }

  @Get('conflict')
  conflict(): never {
    throw new ConflictProblem('The operation was already cancelled.');
  }

  @Get('unprocessable')
  unprocessable(): never {
    throw new UnprocessableProblem('Idempotency-Key reused with a different body.');
  }

  @Get('crash')
  crash(): never {
    throw new Error('connection to db failed: password hunter2 rejected for jo@example.org');
  }

  @Get('mine')
  @RequireKinds('police_borough')
  mine(@CurrentPrincipal() caller: Principal): { organisationName: string } {
    return { organisationName: caller.organisationName };
  }

  @Get('for-ngos')
  @RequireKinds('ngo', 'housing_provider')
  forNgos(): string {
    return 'never';
  }

  @Get('for-admins')
  @RequireRoles('admin')
  forAdmins(): string {
    return 'never';
  }

  @Get('open')
  @Public()
  open(): { open: true } {
    return { open: true };
  }
}

describe('ProblemDetailsFilter over real HTTP', () => {
  let app: INestApplication;
  let baseUrl: string;
  const logged: string[] = [];

  beforeAll(async () => {
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => logged.push(chunk.toString('utf8')));
    const logger = createLogger({ service: 'test', destination });

    @Module({
      imports: [
        HealthModule.forRoot(
          [
            { name: 'postgres', check: () => Promise.resolve() },
            {
              name: 'redis',
              check: () => Promise.reject(new Error('redis://:s3cret@cache:6379 refused')),
            },
          ],
          { service: 'test' },
        ),
      ],
      controllers: [ThingsController],
      providers: [
        { provide: HARBOUR_LOGGER, useValue: logger },
        { provide: IDENTITY_STORE, useValue: fakeIdentity },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
    })
    class TestModule {}

    app = await NestFactory.create(TestModule, quietNest());
    configureHttpApp(app, { logger });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
  });

  const auth = { authorization: `Bearer ${GOOD_KEY}` };

  async function problem(response: Response): Promise<Record<string, unknown>> {
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    return (await response.json()) as Record<string, unknown>;
  }

  it('400: a validation problem lists one error per invalid field', async () => {
    const response = await fetch(`${baseUrl}/things`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ borough: 'Camden' }),
    });
    expect(response.status).toBe(400);
    expect(await problem(response)).toEqual({
      type: 'https://harbour.example/problems/validation',
      title: 'Your request is not valid.',
      status: 400,
      detail: '2 fields are invalid.',
      instance: '/things',
      errors: [
        { pointer: '/borough', detail: 'must be a London GSS code' },
        { pointer: '/startsAt', detail: 'must be a date-time' },
      ],
    });
  });

  it('400: a malformed JSON body is a problem, without echoing the body', async () => {
    const response = await fetch(`${baseUrl}/things/echo`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"name": "Jo Bloggs", ',
    });
    expect(response.status).toBe(400);
    const body = await problem(response);
    expect(body).toMatchObject({
      type: 'https://harbour.example/problems/bad-request',
      status: 400,
      detail: 'The request body is not valid JSON.',
      instance: '/things/echo',
    });
    expect(JSON.stringify(body)).not.toContain('Bloggs');
  });

  it('401: no key, a malformed header and an unknown key get the same answer', async () => {
    const answers = await Promise.all(
      [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer hbr_unknown' }].map(
        async (headers) => {
          const response = await fetch(`${baseUrl}/things/mine`, { headers });
          return {
            status: response.status,
            challenge: response.headers.get('www-authenticate'),
            body: await problem(response),
          };
        },
      ),
    );
    for (const answer of answers) {
      expect(answer).toEqual({
        status: 401,
        challenge: 'Bearer realm="harbour"',
        body: {
          type: 'https://harbour.example/problems/unauthorized',
          title: 'Authentication required.',
          status: 401,
          detail: 'A valid API key is required: send "Authorization: Bearer <key>".',
          instance: '/things/mine',
        },
      });
    }
  });

  it('200 with a good key, and the principal reaches the handler', async () => {
    const response = await fetch(`${baseUrl}/things/mine`, { headers: auth });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ organisationName: 'Camden SPoC' });
  });

  it('403: the wrong organisation kind or a missing role', async () => {
    const byKind = await fetch(`${baseUrl}/things/for-ngos`, { headers: auth });
    expect(byKind.status).toBe(403);
    expect(await problem(byKind)).toMatchObject({
      type: 'https://harbour.example/problems/forbidden',
      status: 403,
      detail: 'This is open to ngo, housing_provider organisations; yours is police_borough.',
    });
    const byRole = await fetch(`${baseUrl}/things/for-admins`, { headers: auth });
    expect(byRole.status).toBe(403);
    expect(await problem(byRole)).toMatchObject({
      detail: 'Your API key needs one of these roles: admin.',
    });
  });

  it('404: an unknown route, and a resource that does not exist', async () => {
    const route = await fetch(`${baseUrl}/nowhere?email=jo@example.org`, { headers: auth });
    expect(route.status).toBe(404);
    expect(await problem(route)).toMatchObject({
      type: 'https://harbour.example/problems/not-found',
      title: 'Not Found',
      status: 404,
      instance: '/nowhere',
    });

    const resource = await fetch(`${baseUrl}/things/missing`, { headers: auth });
    expect(resource.status).toBe(404);
    expect(await problem(resource)).toEqual({
      type: 'https://harbour.example/problems/not-found',
      title: 'Not found.',
      status: 404,
      detail: 'No operation op-404.',
      instance: '/things/missing',
    });
  });

  it('409 and 422', async () => {
    const conflict = await fetch(`${baseUrl}/things/conflict`, { headers: auth });
    expect(conflict.status).toBe(409);
    expect(await problem(conflict)).toMatchObject({
      type: 'https://harbour.example/problems/conflict',
    });
    const unprocessable = await fetch(`${baseUrl}/things/unprocessable`, { headers: auth });
    expect(unprocessable.status).toBe(422);
    expect(await problem(unprocessable)).toMatchObject({
      type: 'https://harbour.example/problems/unprocessable',
      detail: 'Idempotency-Key reused with a different body.',
    });
  });

  it('413: a body over 256 kb is refused; one under it is accepted', async () => {
    const small = await fetch(`${baseUrl}/things/echo`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(200 * 1024) }),
    });
    expect(small.status).toBe(201);

    const large = await fetch(`${baseUrl}/things/echo`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(300 * 1024) }),
    });
    expect(large.status).toBe(413);
    expect(await problem(large)).toMatchObject({
      type: 'https://harbour.example/problems/payload-too-large',
      status: 413,
      detail: 'The request body is too large.',
    });
  });

  it('500: the client sees only an errorId; the log has the redacted error under that id', async () => {
    const response = await fetch(`${baseUrl}/things/crash`, { headers: auth });
    expect(response.status).toBe(500);
    const body = await problem(response);
    expect(body).toEqual({
      type: 'https://harbour.example/problems/internal-error',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side. Quote the errorId if you report it.',
      instance: '/things/crash',
      errorId: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ) as unknown,
    });
    expect(JSON.stringify(body)).not.toMatch(/hunter2|db failed|example\.org/);

    const line = logged
      .join('')
      .split('\n')
      .filter((text) => text.length > 0)
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry['errorId'] === body['errorId']);
    expect(line).toMatchObject({
      level: 'error',
      instance: '/things/crash',
      err: {
        message: 'connection to db failed: password hunter2 rejected for [REDACTED]',
        stack: expect.stringContaining('ThingsController.crash') as unknown,
      },
    });
    expect(JSON.stringify(line)).not.toContain('jo@example.org');
  });

  it('serves health publicly and reports which dependency is down, without details', async () => {
    const health = await fetch(`${baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', service: 'test' });

    const ready = await fetch(`${baseUrl}/ready`);
    expect(ready.status).toBe(503);
    const text = await ready.text();
    expect(JSON.parse(text)).toEqual({
      status: 'unavailable',
      checks: { postgres: 'up', redis: 'down' },
    });
    expect(text).not.toContain('s3cret');
  });

  it('sends security headers and no X-Powered-By', async () => {
    const response = await fetch(`${baseUrl}/things/open`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
