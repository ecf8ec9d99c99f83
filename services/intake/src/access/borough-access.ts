import { ForbiddenProblem, type Principal } from '@harbour/platform';

export function servesBorough(principal: Principal, gss: string): boolean {
  return principal.boroughs.includes('pan_london') || principal.boroughs.includes(gss);
}

/** 403 unless the caller's organisation serves the borough the request is about. */
export function requireServedBorough(principal: Principal, gss: string): void {
  if (!servesBorough(principal, gss)) {
    throw new ForbiddenProblem(`Your organisation does not serve borough ${gss}.`);
  }
}
