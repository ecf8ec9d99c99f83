import { authorityByGss } from '@harbour/london';
import { PAN_LONDON } from './audience';

const LISTED = 3;

/** Borough names for people: "Camden", "Camden and Islington", "all London boroughs". */
export function boroughLabel(boroughs: readonly string[]): string {
  if (boroughs.includes(PAN_LONDON)) return 'all London boroughs';
  const names = boroughs.map((gss) => authorityByGss(gss)?.name ?? gss);
  if (names.length === 0) return 'London';
  if (names.length === 1) return names[0] ?? 'London';
  if (names.length <= LISTED) {
    return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
  }
  return `${names.slice(0, LISTED).join(', ')} and ${names.length - LISTED} more boroughs`;
}
