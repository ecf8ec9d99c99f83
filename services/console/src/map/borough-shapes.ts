import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';

/** One London authority as the console's map draws it: an SVG path in the map's own units. */
export interface BoroughShape {
  gss: string;
  name: string;
  /** SVG path data (`M…Z` rings), y growing southwards. */
  path: string;
  /** Where its label goes: the authority's centroid, projected. */
  label: { x: number; y: number };
}

export interface BoroughMap {
  width: number;
  height: number;
  boroughs: BoroughShape[];
}

type Ring = number[][];

/**
 * Converts the real borough boundaries (the vega-datasets `londonBoroughs.json` topojson, object
 * `boroughs`, features named by ONS name) into SVG paths, at build time, so the browser gets a
 * small static asset and no topology code. An equirectangular projection scaled by the cosine
 * of London's latitude: over 50 km the distortion is far below a pixel. Throws when the source
 * lacks one of the authorities or holds one it does not know, so a changed dataset stops the build.
 */
export function boroughShapes(
  topology: Topology,
  authorities: readonly { gss: string; name: string }[],
  centroids: Readonly<Record<string, { lon: number; lat: number }>>,
  width = 800,
): BoroughMap {
  const object = topology.objects['boroughs'] as GeometryCollection | undefined;
  if (object === undefined) throw new Error('the topology has no "boroughs" object');
  const collection = feature(topology, object);
  const gssByName = new Map(authorities.map((a) => [a.name, a.gss]));
  const rings = new Map<string, Ring[]>();
  for (const borough of collection.features) {
    const name = String(borough.id);
    const gss = gssByName.get(name);
    if (gss === undefined) throw new Error(`the topology names an unknown borough "${name}"`);
    const geometry = borough.geometry;
    const polygons: Ring[][] =
      geometry.type === 'Polygon'
        ? [geometry.coordinates]
        : geometry.type === 'MultiPolygon'
          ? geometry.coordinates
          : [];
    rings.set(gss, polygons.flat());
  }
  const missing = authorities.filter((a) => !rings.has(a.gss)).map((a) => a.name);
  if (missing.length > 0) throw new Error(`the topology lacks ${missing.join(', ')}`);

  const points = [...rings.values()].flat(2);
  const lons = points.map((p) => p[0] ?? 0);
  const lats = points.map((p) => p[1] ?? 0);
  const [minLon, maxLon] = [Math.min(...lons), Math.max(...lons)];
  const [minLat, maxLat] = [Math.min(...lats), Math.max(...lats)];
  const xScale = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const margin = 4;
  const k = (width - 2 * margin) / ((maxLon - minLon) * xScale);
  const height = Math.ceil((maxLat - minLat) * k + 2 * margin);
  const project = (lon: number, lat: number) => ({
    x: round(margin + (lon - minLon) * xScale * k),
    y: round(margin + (maxLat - lat) * k),
  });

  return {
    width,
    height,
    boroughs: authorities.map(({ gss, name }) => {
      const path = (rings.get(gss) ?? [])
        .map(
          (ring) =>
            ring
              .map(([lon = 0, lat = 0], i) => {
                const { x, y } = project(lon, lat);
                return `${i === 0 ? 'M' : 'L'}${x} ${y}`;
              })
              .join('') + 'Z',
        )
        .join('');
      const centroid = centroids[gss];
      if (centroid === undefined) throw new Error(`no centroid for ${name}`);
      return { gss, name, path, label: project(centroid.lon, centroid.lat) };
    }),
  };
}

const round = (value: number): number => Math.round(value * 10) / 10;
