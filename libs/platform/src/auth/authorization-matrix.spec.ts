import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Post, type Type } from '@nestjs/common';
import { HealthModule } from '../health/health.module';
import { ORGANISATION_KINDS, ROLES } from '../identity/organisation-kind';
import { Public, RequireKinds, RequireRoles } from './auth-decorators';
import {
  AUTHORIZATION_ENTRIES,
  AUTHORIZATION_SCOPES,
  type AuthorizedAction,
  type GuardedEntry,
  HARBOUR_SERVICES,
  matrixAllows,
} from './authorization-matrix';
import { renderAuthorizationTable, withCurrentTable } from './authorization-table';
import { Authorize } from './authorize.decorator';
import {
  authorizationProblems,
  controllersOf,
  everyKindAndRoles,
  guardDecision,
  guardDisagreements,
  routesOf,
} from './route-authorization';

const guarded = AUTHORIZATION_ENTRIES.filter((e): e is GuardedEntry => e.access === 'key');

/** A one-route controller guarded by this action, as a service's controller would be. */
function probeFor(action: AuthorizedAction): { controller: Type; handler: () => void } {
  class Probe {
    @Authorize(action)
    handle(): void {}
  }
  return {
    controller: Probe,
    handler: Object.getOwnPropertyDescriptor(Probe.prototype, 'handle')?.value as () => void,
  };
}

describe('the authorization matrix', () => {
  it('names each action once, and each route of a service once', () => {
    const actions = AUTHORIZATION_ENTRIES.map((e) => e.action);
    expect(new Set(actions).size).toBe(actions.length);
    for (const service of HARBOUR_SERVICES) {
      const routes = AUTHORIZATION_ENTRIES.filter(
        (e) => e.service === service || e.service === 'every',
      ).map((e) => `${e.method} ${e.path}`);
      expect(new Set(routes).size).toBe(routes.length);
    }
  });

  it('prefixes every action with its service', () => {
    for (const entry of AUTHORIZATION_ENTRIES) {
      const prefix = entry.service === 'every' ? 'platform' : entry.service;
      expect(entry.action.startsWith(`${prefix}.`)).toBe(true);
    }
  });

  it('gives every guarded entry known kinds and at least one role, and every entry a reason', () => {
    for (const entry of AUTHORIZATION_ENTRIES) {
      if (entry.access === 'public') {
        expect(entry.reason.length).toBeGreaterThan(10);
        continue;
      }
      expect(entry.roles.length).toBeGreaterThan(0);
      expect(entry.roles.every((role) => (ROLES as readonly string[]).includes(role))).toBe(true);
      expect(new Set(entry.roles).size).toBe(entry.roles.length);
      if (entry.kinds !== 'any') {
        expect(entry.kinds.length).toBeGreaterThan(0);
        expect(new Set(entry.kinds).size).toBe(entry.kinds.length);
        expect(
          entry.kinds.every((k) => (ORGANISATION_KINDS as readonly string[]).includes(k)),
        ).toBe(true);
      }
      expect(Object.keys(AUTHORIZATION_SCOPES)).toContain(entry.scope);
      expect(entry.note.length).toBeGreaterThan(10);
    }
  });

  it('lets somebody and not everybody use each guarded action', () => {
    for (const entry of guarded) {
      const decisions = everyKindAndRoles().map((c) => matrixAllows(entry, c.kind, c.roles));
      expect({ action: entry.action, someone: decisions.includes(true) }).toEqual({
        action: entry.action,
        someone: true,
      });
      expect({ action: entry.action, notEveryone: decisions.includes(false) }).toEqual({
        action: entry.action,
        notEveryone: true,
      });
    }
  });
});

describe('ApiKeyGuard on @Authorize routes', () => {
  it.each(guarded.map((entry) => [entry.action, entry] as const))(
    'decides %s for every organisation kind × set of roles as the matrix does',
    async (_action, entry) => {
      const probe = probeFor(entry.action as AuthorizedAction);
      expect(await guardDisagreements({ ...probe, name: 'Probe.handle' }, entry)).toEqual([]);
    },
  );

  it('is not widened or narrowed by @RequireKinds / @RequireRoles left on the controller class', async () => {
    @RequireKinds('ngo')
    @RequireRoles('admin')
    class Leftover {
      @Authorize('intake.operation.read')
      handle(): void {}
    }
    const route = {
      controller: Leftover,
      handler: Object.getOwnPropertyDescriptor(Leftover.prototype, 'handle')?.value as () => void,
    };
    expect(await guardDecision(route, { kind: 'police_borough', roles: ['read'] })).toBe('allowed');
    expect(await guardDecision(route, { kind: 'ngo', roles: ['admin'] })).toBe('forbidden');
  });

  it('refuses an action the matrix does not know when the controller is declared', () => {
    expect(() => Authorize('intake.operation.launch' as AuthorizedAction)).toThrow(
      /not a key-guarded action/,
    );
    expect(() => Authorize('platform.health' as AuthorizedAction)).toThrow(
      /not a key-guarded action/,
    );
  });
});

describe('route coverage against the matrix', () => {
  it('finds the platform’s public /health and /ready and matches them to their entries', () => {
    const routes = routesOf(controllersOf(HealthModule.forRoot([])));
    expect(routes.map((r) => [r.method, r.path, r.public, r.action])).toEqual([
      ['GET', '/health', true, undefined],
      ['GET', '/ready', true, undefined],
    ]);
    const problems = authorizationProblems('safeguarding', routes);
    expect(problems.filter((p) => p.includes('platform.') || p.includes('Health'))).toEqual([]);
  });

  it('reports an unguarded route, a wrong path, an unrecorded public route and an unused entry', () => {
    @Controller('v1/known-victim-checks')
    class Drifted {
      @Post('bulk')
      @Authorize('safeguarding.known-victim.check')
      check(): void {}

      @Get()
      forgotten(): void {}

      @Get('open')
      @Public()
      open(): void {}
    }
    const routes = [...routesOf([Drifted]), ...routesOf(controllersOf(HealthModule.forRoot([])))];
    expect(authorizationProblems('safeguarding', routes)).toEqual([
      'Drifted.check (POST /v1/known-victim-checks/bulk) uses "safeguarding.known-victim.check", whose entry says POST /v1/known-victim-checks',
      'Drifted.forgotten (GET /v1/known-victim-checks) has neither @Authorize nor @Public',
      'Drifted.open (GET /v1/known-victim-checks/open) is public but no public matrix entry has its method and path',
      'matrix entry "safeguarding.audit.list" (GET /v1/audit) has no route',
      'matrix entry "safeguarding.audit.export" (GET /v1/audit/export) has no route',
    ]);
    expect(
      authorizationProblems('safeguarding', routesOf(controllersOf(HealthModule.forRoot([])))),
    ).toEqual([
      'matrix entry "safeguarding.known-victim.check" (POST /v1/known-victim-checks) has no route',
      'matrix entry "safeguarding.audit.list" (GET /v1/audit) has no route',
      'matrix entry "safeguarding.audit.export" (GET /v1/audit/export) has no route',
    ]);
  });

  it('reports an action of another service and a guard overridden below @Authorize', () => {
    @Controller('v1/operations')
    class Borrowed {
      @Post()
      @RequireKinds('ngo')
      @Authorize('intake.operation.plan')
      plan(): void {}
    }
    expect(authorizationProblems('safeguarding', routesOf([Borrowed])).slice(0, 2)).toEqual([
      'Borrowed.plan (POST /v1/operations) uses "intake.operation.plan", an action of intake',
      'Borrowed.plan (POST /v1/operations): the guard would enforce kinds [ngo] and roles [submit], not what "intake.operation.plan" says',
    ]);
  });
});

describe('docs/authorization.md', () => {
  const path = join(__dirname, '../../../../docs/authorization.md');

  it('shows the matrix as it is (UPDATE_AUTHORIZATION_DOC=1 rewrites it)', () => {
    const document = readFileSync(path, 'utf8');
    if (process.env.UPDATE_AUTHORIZATION_DOC === '1') {
      writeFileSync(path, withCurrentTable(document));
    }
    expect(readFileSync(path, 'utf8')).toContain(renderAuthorizationTable());
  });
});
