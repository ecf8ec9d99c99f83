import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { boroughCentroid, LONDON_AUTHORITIES } from '@harbour/london';
import type { Topology } from 'topojson-specification';
import { boroughShapes } from './borough-shapes';

const topology = JSON.parse(
  readFileSync(
    join(
      __dirname,
      '..',
      '..',
      '..',
      '..',
      'node_modules',
      'vega-datasets',
      'data',
      'londonBoroughs.json',
    ),
    'utf8',
  ),
) as Topology;

const centroids = Object.fromEntries(
  LONDON_AUTHORITIES.map((a) => [a.gss, boroughCentroid(a.gss)]),
);

describe('the London map drawn from the real borough boundaries', () => {
  const map = boroughShapes(topology, LONDON_AUTHORITIES, centroids);

  it('draws all 33 authorities, each a closed path inside the map', () => {
    expect(map.boroughs.map((b) => b.gss)).toEqual(LONDON_AUTHORITIES.map((a) => a.gss));
    expect(map.width).toBe(800);
    expect(map.height).toBeGreaterThan(500);
    expect(map.height).toBeLessThan(700);
    for (const borough of map.boroughs) {
      expect(borough.path).toMatch(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+)+Z/);
      const numbers = borough.path.match(/[\d.]+/g)!.map(Number);
      expect(Math.max(...numbers)).toBeLessThanOrEqual(map.width);
      expect(borough.label.x).toBeGreaterThan(0);
      expect(borough.label.x).toBeLessThan(map.width);
      expect(borough.label.y).toBeLessThan(map.height);
    }
  });

  it('puts boroughs where they are: Havering east of Hillingdon, Barnet north of Croydon', () => {
    const at = (name: string) => map.boroughs.find((b) => b.name === name)!.label;
    expect(at('Havering').x).toBeGreaterThan(at('Hillingdon').x + 500);
    expect(at('Barnet').y).toBeLessThan(at('Croydon').y - 200);
    // The City sits between Westminster and Tower Hamlets.
    expect(at('City of London').x).toBeGreaterThan(at('Westminster').x);
    expect(at('City of London').x).toBeLessThan(at('Tower Hamlets').x);
  });

  it('stops on a boundary file that lacks or adds an authority', () => {
    const lacking = LONDON_AUTHORITIES.concat([
      { ...LONDON_AUTHORITIES[0]!, gss: 'E09000099', name: 'Atlantis' },
    ]);
    expect(() => boroughShapes(topology, lacking, centroids)).toThrow('lacks Atlantis');
    expect(() => boroughShapes(topology, LONDON_AUTHORITIES.slice(1), centroids)).toThrow(
      'unknown borough "City of London"',
    );
  });
});
