import londonMap from 'virtual:london-boroughs';

const BOROUGHS = new Map(londonMap.boroughs.map((b) => [b.gss, b.name] as const));

/** A borough's name from its GSS code (pan-London and unknown codes as they are). */
export function boroughName(gss: string): string {
  if (gss === 'pan_london') return 'Pan-London';
  return BOROUGHS.get(gss) ?? gss;
}

export { count, idempotencyKey, languages, list, words } from './text';
