import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { OrganisationKind, Role } from '../identity/organisation-kind';
import type { Principal } from '../identity/principal';
import { UnauthorizedProblem } from '../problems/problem-exceptions';
import { type AuthenticatedRequest, principalOf } from './authenticated-request';

export const PUBLIC_ROUTE = 'harbour:public-route';
export const REQUIRED_KINDS = 'harbour:required-kinds';
export const REQUIRED_ROLES = 'harbour:required-roles';

/** Lets a route (or every route of a controller) be called without an API key. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/**
 * 403 unless the caller's organisation is one of these kinds. Service routes use `@Authorize`
 * instead, which sets this from the authorization matrix; the route tests refuse anything else.
 */
export const RequireKinds = (...kinds: OrganisationKind[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_KINDS, kinds);

/** 403 unless the caller's key has at least one of these roles (as above: prefer `@Authorize`). */
export const RequireRoles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);

/** The authenticated caller of this request (not available on `@Public()` routes). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = principalOf(context.switchToHttp().getRequest<AuthenticatedRequest>());
    if (principal === undefined) throw new UnauthorizedProblem();
    return principal;
  },
);
