import centroidsFile from './generated/centroids.json';
import { isLondonGss } from './gss-code';
import { LONDON_AUTHORITIES } from './london-authorities';
import { UnknownLondonAuthorityError } from './unknown-london-authority-error';

/** A point in WGS84 degrees. */
export interface LonLat {
  readonly lon: number;
  readonly lat: number;
}

/** Mean Earth radius (IUGG), km: the haversine error from the ellipsoid is well under 1 % here. */
const EARTH_RADIUS_KM = 6371.0088;
const RADIANS = Math.PI / 180;

/** Checked once at load so a damaged generated file fails loudly rather than measuring wrongly. */
function loadCentroids(): ReadonlyMap<string, LonLat> {
  const byGss = new Map<string, LonLat>();
  for (const [gss, { lon, lat }] of Object.entries(centroidsFile.centroids)) {
    if (!isLondonGss(gss) || !Number.isFinite(lon) || !Number.isFinite(lat)) {
      throw new Error(`generated centroids hold a bad entry under ${gss}`);
    }
    byGss.set(gss, Object.freeze({ lon, lat }));
  }
  const missing = LONDON_AUTHORITIES.filter(({ gss }) => !byGss.has(gss));
  if (missing.length > 0 || byGss.size !== LONDON_AUTHORITIES.length) {
    throw new Error(
      `generated centroids do not cover exactly the ${LONDON_AUTHORITIES.length} authorities`,
    );
  }
  return byGss;
}

function haversineKm(a: LonLat, b: LonLat): number {
  const dLat = (b.lat - a.lat) * RADIANS;
  const dLon = (b.lon - a.lon) * RADIANS;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * RADIANS) * Math.cos(b.lat * RADIANS) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

const CENTROIDS = loadCentroids();

/**
 * Every pair's distance, computed once: 33 × 33 numbers, so callers that measure thousands of
 * properties against a zone (bed matching) pay a look-up, not trigonometry.
 */
const DISTANCES: ReadonlyMap<string, ReadonlyMap<string, number>> = new Map(
  [...CENTROIDS].map(([from, a]) => [
    from,
    new Map([...CENTROIDS].map(([to, b]) => [to, from === to ? 0 : haversineKm(a, b)])),
  ]),
);

/**
 * The centroid of an authority's area (the Thames below mean high water excluded), from the
 * committed generated data.
 * @throws UnknownLondonAuthorityError when `gss` is not a London code.
 */
export function boroughCentroid(gss: string): LonLat {
  const centroid = CENTROIDS.get(gss);
  if (centroid === undefined) throw new UnknownLondonAuthorityError(gss);
  return centroid;
}

/**
 * Great-circle (haversine) distance in km between two authorities' centroids; 0 for the same
 * authority. A coarse measure: two properties on either side of a shared boundary can be close
 * while their boroughs' centroids are several km apart.
 * @throws UnknownLondonAuthorityError when either code is not a London code.
 */
export function distanceKm(a: string, b: string): number {
  const distance = DISTANCES.get(a)?.get(b);
  if (distance !== undefined) return distance;
  throw new UnknownLondonAuthorityError(CENTROIDS.has(a) ? b : a);
}
