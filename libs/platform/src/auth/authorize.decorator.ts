import { applyDecorators, SetMetadata } from '@nestjs/common';
import { REQUIRED_KINDS, REQUIRED_ROLES } from './auth-decorators';
import { type AuthorizedAction, guardedEntry } from './authorization-matrix';

/** Which matrix action a route performs; read by the route-coverage tests. */
export const AUTHORIZED_ACTION = 'harbour:authorized-action';

/**
 * Guards a route by its entry in the authorization matrix: the kinds and roles the global
 * `ApiKeyGuard` enforces come from there, never from the controller. Both are always set (an
 * empty kinds list means every kind), so nothing on the controller class can widen or narrow
 * them. An unknown action fails when the module loads, not when the route is called.
 */
export function Authorize(action: AuthorizedAction): MethodDecorator {
  const entry = guardedEntry(action);
  return applyDecorators(
    SetMetadata(AUTHORIZED_ACTION, action),
    SetMetadata(REQUIRED_KINDS, entry.kinds === 'any' ? [] : [...entry.kinds]),
    SetMetadata(REQUIRED_ROLES, [...entry.roles]),
  );
}
