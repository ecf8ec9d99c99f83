import type { Principal } from '@harbour/platform';

export function servesBorough(principal: Principal, gss: string): boolean {
  return principal.boroughs.includes('pan_london') || principal.boroughs.includes(gss);
}
