import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Optional,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IdentityStore } from '../identity/identity-store';
import type { OrganisationKind, Role } from '../identity/organisation-kind';
import { ForbiddenProblem, UnauthorizedProblem } from '../problems/problem-exceptions';
import { IDENTITY_STORE } from '../tokens';
import { API_RATE_LIMITER, type ApiRateLimiter, TooManyRequestsProblem } from './api-rate-limit';
import { PUBLIC_ROUTE, REQUIRED_KINDS, REQUIRED_ROLES } from './auth-decorators';
import type { AuthenticatedRequest } from './authenticated-request';

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Global guard: every route needs `Authorization: Bearer <key>` unless marked `@Public()`.
 * Missing, malformed, unknown, revoked and expired keys all get the same 401, so a caller learns
 * nothing about which keys exist. The route's kinds and roles — set by `@Authorize(action)` from
 * the authorization matrix — then give 403 when unmet.
 * Between the two, each key's requests are counted (`PlatformModule` provides the limiter): over
 * its limit a key gets 429 with `Retry-After` on every route, whatever it asked for. Counting
 * after authentication means the bucket is the key's id, so nobody can spend another
 * organisation's allowance by sending its prefix with a wrong secret.
 * Fails closed: a non-HTTP context is refused unless public.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(IDENTITY_STORE) private readonly identity: Pick<IdentityStore, 'authenticate'>,
    /** Absent only where the guard is built by hand to read its decisions (route tests). */
    @Optional()
    @Inject(API_RATE_LIMITER)
    private readonly rateLimiter?: ApiRateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets) === true) {
      return true;
    }
    if (context.getType() !== 'http') return false;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const principal = key === undefined ? null : await this.identity.authenticate(key);
    if (principal === null) throw new UnauthorizedProblem();
    request.principal = principal;
    const verdict = this.rateLimiter?.take(principal.keyId);
    if (verdict?.allowed === false) throw new TooManyRequestsProblem(verdict.retryAfterSeconds);

    const kinds = this.reflector.getAllAndOverride<OrganisationKind[] | undefined>(
      REQUIRED_KINDS,
      targets,
    );
    if (kinds !== undefined && kinds.length > 0 && !kinds.includes(principal.organisationKind)) {
      throw new ForbiddenProblem(
        `This is open to ${kinds.join(', ')} organisations; yours is ${principal.organisationKind}.`,
      );
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (
      roles !== undefined &&
      roles.length > 0 &&
      !roles.some((r) => principal.roles.includes(r))
    ) {
      throw new ForbiddenProblem(`Your API key needs one of these roles: ${roles.join(', ')}.`);
    }
    return true;
  }
}
