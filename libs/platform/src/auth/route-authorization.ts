import {
  type DynamicModule,
  type ExecutionContext,
  RequestMethod,
  type Type,
} from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, Reflector } from '@nestjs/core';
import type { IdentityStore } from '../identity/identity-store';
import {
  type OrganisationKind,
  ORGANISATION_KINDS,
  type Role,
  ROLES,
} from '../identity/organisation-kind';
import type { Principal } from '../identity/principal';
import { ForbiddenProblem } from '../problems/problem-exceptions';
import { ApiKeyGuard } from './api-key.guard';
import { PUBLIC_ROUTE, REQUIRED_KINDS, REQUIRED_ROLES } from './auth-decorators';
import {
  authorizationEntry,
  entriesOf,
  type GuardedEntry,
  type HarbourService,
  matrixAllows,
} from './authorization-matrix';
import { AUTHORIZED_ACTION } from './authorize.decorator';

/** A route as its controller declares it, with the authorization metadata the guard will read. */
export interface DeclaredRoute {
  /** `Controller.handler`, for messages. */
  name: string;
  method: string;
  path: string;
  action: string | undefined;
  public: boolean;
  /** As `ApiKeyGuard` reads them: the handler's, else the controller's. */
  kinds: readonly OrganisationKind[] | undefined;
  roles: readonly Role[] | undefined;
  controller: Type;
  handler: (...args: unknown[]) => unknown;
}

type ModuleRef = Type | DynamicModule;

/** Every controller a module declares, through its imports, as Nest would register them. */
export function controllersOf(root: ModuleRef): Type[] {
  const controllers = new Set<Type>();
  const seen = new Set<unknown>();
  const visit = (ref: ModuleRef | undefined): void => {
    if (ref === undefined || seen.has(ref)) return;
    seen.add(ref);
    const moduleClass = typeof ref === 'function' ? ref : ref.module;
    const declared = (key: string): unknown[] =>
      (Reflect.getMetadata(key, moduleClass) as unknown[] | undefined) ?? [];
    const dynamic: Pick<DynamicModule, 'controllers' | 'imports'> =
      typeof ref === 'function' ? {} : ref;
    const declaredControllers: unknown[] = [
      ...declared(MODULE_METADATA.CONTROLLERS),
      ...(dynamic.controllers ?? []),
    ];
    for (const controller of declaredControllers) controllers.add(controller as Type);
    const imports: unknown[] = [...declared(MODULE_METADATA.IMPORTS), ...(dynamic.imports ?? [])];
    for (const imported of imports) {
      if (typeof imported === 'function') visit(imported as Type);
      else if (isDynamicModule(imported)) visit(imported);
    }
    if (typeof ref !== 'function') visit(ref.module);
  };
  visit(root);
  return [...controllers];
}

function isDynamicModule(value: unknown): value is DynamicModule {
  return typeof value === 'object' && value !== null && 'module' in value;
}

/** Every route of these controllers, one per declared path. */
export function routesOf(controllers: readonly Type[]): DeclaredRoute[] {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  return controllers.flatMap((controller) => {
    const prototype = controller.prototype as Record<string, unknown>;
    return scanner.getAllMethodNames(prototype).flatMap((name) => {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) return [];
      const targets = [handler, controller];
      const read = (key: string): unknown => reflector.getAllAndOverride<unknown>(key, targets);
      return paths(controller, handler).map((path) => ({
        name: `${controller.name}.${name}`,
        method: RequestMethod[method],
        path,
        action: read(AUTHORIZED_ACTION) as string | undefined,
        public: read(PUBLIC_ROUTE) === true,
        kinds: read(REQUIRED_KINDS) as OrganisationKind[] | undefined,
        roles: read(REQUIRED_ROLES) as Role[] | undefined,
        controller,
        handler,
      }));
    });
  });
}

function paths(controller: Type, handler: object): string[] {
  const list = (target: object): string[] => {
    const declared = Reflect.getMetadata(PATH_METADATA, target) as string | string[] | undefined;
    return declared === undefined ? [''] : Array.isArray(declared) ? declared : [declared];
  };
  return list(controller).flatMap((prefix) =>
    list(handler).map((suffix) => {
      const segments = [prefix, suffix].flatMap((part) => part.split('/')).filter((s) => s !== '');
      return `/${segments.join('/')}`;
    }),
  );
}

/**
 * What is wrong with a service's routes against the matrix: a route with neither `@Authorize`
 * nor `@Public`, an action not in the matrix or of another service, a method or path that
 * differs from the entry's, guard metadata that differs from the entry's, a public route the
 * matrix does not record, and a matrix entry no route uses. Empty when all is well.
 */
export function authorizationProblems(
  service: HarbourService,
  routes: readonly DeclaredRoute[],
): string[] {
  const problems: string[] = [];
  const used = new Map<string, string>();
  const where = (route: DeclaredRoute): string => `${route.name} (${route.method} ${route.path})`;
  for (const route of routes) {
    if (route.action === undefined && !route.public) {
      problems.push(`${where(route)} has neither @Authorize nor @Public`);
      continue;
    }
    if (route.action !== undefined && route.public) {
      problems.push(`${where(route)} has both @Authorize and @Public`);
      continue;
    }
    const entry =
      route.action === undefined
        ? entriesOf(service).find(
            (e) => e.access === 'public' && e.method === route.method && e.path === route.path,
          )
        : authorizationEntry(route.action);
    if (entry === undefined) {
      problems.push(
        route.action === undefined
          ? `${where(route)} is public but no public matrix entry has its method and path`
          : `${where(route)} names "${route.action}", which is not in the matrix`,
      );
      continue;
    }
    const previous = used.get(entry.action);
    if (previous !== undefined) {
      problems.push(`${where(route)} and ${previous} both use "${entry.action}"`);
    }
    used.set(entry.action, where(route));
    if (entry.service !== service && entry.service !== 'every') {
      problems.push(`${where(route)} uses "${entry.action}", an action of ${entry.service}`);
    }
    if (entry.method !== route.method || entry.path !== route.path) {
      problems.push(
        `${where(route)} uses "${entry.action}", whose entry says ${entry.method} ${entry.path}`,
      );
    }
    if (entry.access === 'key') {
      const kinds = entry.kinds === 'any' ? [] : entry.kinds;
      if (!sameMembers(route.kinds ?? [], kinds) || !sameMembers(route.roles ?? [], entry.roles)) {
        problems.push(
          `${where(route)}: the guard would enforce kinds [${(route.kinds ?? []).join(', ')}] ` +
            `and roles [${(route.roles ?? []).join(', ')}], not what "${entry.action}" says`,
        );
      }
    }
  }
  for (const entry of entriesOf(service)) {
    if (!used.has(entry.action)) {
      problems.push(`matrix entry "${entry.action}" (${entry.method} ${entry.path}) has no route`);
    }
  }
  return problems;
}

function sameMembers<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

/** A key of every organisation kind with every combination of roles (none included). */
export function everyKindAndRoles(): { kind: OrganisationKind; roles: Role[] }[] {
  const subsets = Array.from({ length: 2 ** ROLES.length }, (_, mask) =>
    ROLES.filter((_role, bit) => (mask & (1 << bit)) !== 0),
  );
  return ORGANISATION_KINDS.flatMap((kind) => subsets.map((roles) => ({ kind, roles })));
}

/**
 * The real `ApiKeyGuard`'s decision on a route for a key of this kind and roles, without HTTP:
 * `allowed`, or `forbidden` when it answers 403. Anything else it throws is rethrown.
 */
export async function guardDecision(
  route: Pick<DeclaredRoute, 'controller' | 'handler'>,
  caller: { kind: OrganisationKind; roles: readonly Role[] },
): Promise<'allowed' | 'forbidden'> {
  const principal: Principal = {
    organisationId: 'org-under-test',
    organisationName: 'Organisation under test',
    organisationKind: caller.kind,
    boroughs: ['pan_london'],
    roles: [...caller.roles],
    keyId: 'key-under-test',
  };
  const identity: Pick<IdentityStore, 'authenticate'> = {
    authenticate: () => Promise.resolve(principal),
  };
  const request = { headers: { authorization: 'Bearer hbr_test_key' } };
  const context = {
    getHandler: () => route.handler,
    getClass: () => route.controller,
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  try {
    return (await new ApiKeyGuard(new Reflector(), identity).canActivate(context))
      ? 'allowed'
      : 'forbidden';
  } catch (error) {
    if (error instanceof ForbiddenProblem) return 'forbidden';
    throw error;
  }
}

/**
 * Every kind × roles combination where the guard's decision on a route differs from the
 * matrix's for the route's entry, as readable lines. Empty when they agree everywhere.
 */
export async function guardDisagreements(
  route: Pick<DeclaredRoute, 'controller' | 'handler' | 'name'>,
  entry: GuardedEntry,
): Promise<string[]> {
  const disagreements: string[] = [];
  for (const caller of everyKindAndRoles()) {
    const guard = await guardDecision(route, caller);
    const matrix = matrixAllows(entry, caller.kind, caller.roles) ? 'allowed' : 'forbidden';
    if (guard !== matrix) {
      disagreements.push(
        `${route.name} "${entry.action}" for ${caller.kind} [${caller.roles.join(', ')}]: ` +
          `guard ${guard}, matrix ${matrix}`,
      );
    }
  }
  return disagreements;
}

/**
 * For every route of a service: where the real guard's decision, for every kind × roles, differs
 * from the matrix's (public routes must let everyone through). Empty when they agree.
 */
export async function matrixDisagreements(routes: readonly DeclaredRoute[]): Promise<string[]> {
  const disagreements: string[] = [];
  for (const route of routes) {
    const entry = route.action === undefined ? undefined : authorizationEntry(route.action);
    if (entry?.access === 'key') {
      disagreements.push(...(await guardDisagreements(route, entry)));
    } else if (route.public) {
      for (const caller of everyKindAndRoles()) {
        if ((await guardDecision(route, caller)) !== 'allowed') {
          disagreements.push(`${route.name} is public but the guard refused ${caller.kind}`);
        }
      }
    }
  }
  return disagreements;
}

/**
 * A stand-in for a service runtime, enough to call `<Service>Module.register(...)` and read
 * which controllers it declares without opening a connection: every config value is a plain
 * identifier; everything else is an inert object whose properties and calls give more of the
 * same (never a promise). Never start a module built with it.
 */
export function declarationOnlyRuntime(): unknown {
  const config = new Proxy({}, { get: () => 'route_check' });
  const inert: object = new Proxy(function inert() {}, {
    get: (_target, key) => (key === 'then' || typeof key === 'symbol' ? undefined : inert),
    apply: () => inert,
    construct: () => inert,
  });
  return new Proxy({}, { get: (_target, key) => (key === 'config' ? config : inert) });
}
