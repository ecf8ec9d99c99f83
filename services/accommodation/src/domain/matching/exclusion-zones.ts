import type { ExclusionZones } from '@harbour/contracts';
import { LONDON_AUTHORITIES, distanceKm, isLondonGss } from '@harbour/london';
import { km } from './wording';

/** Where one borough stands against a request's exclusion zones. */
export interface ZoneStanding {
  /** Why a property in this borough must not be used; undefined when it may be. */
  readonly inside: string | undefined;
  /** Centroid distance to the nearest zone's borough; null when there is no zone. */
  readonly nearestKm: number | null;
}

/** A request's exclusion zones measured once against every borough. */
export interface MeasuredZones {
  readonly any: boolean;
  standing(borough: string): ZoneStanding;
}

const NO_ZONE: ZoneStanding = Object.freeze({ inside: undefined, nearestKm: null });

/**
 * Measures the zones against each of the 33 boroughs once per request, so each of thousands of
 * candidates costs one look-up. Distances are between borough centroids (a circle names the
 * borough its postcode lies in); a property is inside a circle when its borough is the circle's
 * or the centroids are closer than the radius.
 *
 * Fails closed: when a zone cannot be measured (a borough outside London, which the contract
 * forbids) every property is treated as inside, because placing someone near their exploiter is
 * worse than placing nobody.
 */
export function measureExclusionZones(zones: ExclusionZones): MeasuredZones {
  if (zones.boroughs.length === 0 && zones.around.length === 0) {
    return { any: false, standing: () => NO_ZONE };
  }
  const unmeasurable = zones.around.find(({ borough }) => !isLondonGss(borough));
  const outsideLondon: ZoneStanding = Object.freeze({
    inside:
      unmeasurable === undefined
        ? 'borough not in London: the exclusion zone cannot be checked'
        : `the exclusion zone is around ${unmeasurable.borough}, not a London borough: distances cannot be checked`,
    nearestKm: null,
  });
  const zoneBoroughs = [
    ...zones.boroughs.filter(isLondonGss),
    ...zones.around.map(({ borough }) => borough).filter(isLondonGss),
  ];

  const byBorough = new Map<string, ZoneStanding>();
  for (const { gss } of LONDON_AUTHORITIES) {
    let nearestKm: number | null = null;
    for (const zoneBorough of zoneBoroughs) {
      const distance = distanceKm(gss, zoneBorough);
      if (nearestKm === null || distance < nearestKm) nearestKm = distance;
    }
    byBorough.set(
      gss,
      Object.freeze({
        inside: unmeasurable === undefined ? insideReason(gss, zones) : outsideLondon.inside,
        nearestKm,
      }),
    );
  }
  return { any: true, standing: (borough) => byBorough.get(borough) ?? outsideLondon };
}

/** The reason for the tightest zone a borough falls in: a whole borough, then the nearest circle. */
function insideReason(gss: string, zones: ExclusionZones): string | undefined {
  if (zones.boroughs.includes(gss)) return 'inside the exclusion zone: in a borough to avoid';
  let tightest: { distance: number; radiusKm: number } | undefined;
  for (const { borough, radiusKm } of zones.around) {
    const distance = distanceKm(gss, borough);
    const inside = borough === gss || distance < radiusKm;
    if (inside && (tightest === undefined || distance < tightest.distance)) {
      tightest = { distance, radiusKm };
    }
  }
  if (tightest === undefined) return undefined;
  if (tightest.distance === 0) {
    return 'inside the exclusion zone: in the borough of a postcode to avoid';
  }
  return `inside the exclusion zone: ${km(tightest.distance)} from a borough to avoid (radius ${tightest.radiusKm} km)`;
}
