import type { Request } from 'express';
import type { Principal } from '../identity/principal';

/** A request after `ApiKeyGuard` let it through. */
export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

export function principalOf(request: AuthenticatedRequest): Principal | undefined {
  return request.principal;
}
