import {
  LONDON_AUTHORITIES,
  UnknownLondonAuthorityError,
  adjacentAuthorities,
  boroughCentroid,
  distanceKm,
} from './index';

function gss(name: string): string {
  const authority = LONDON_AUTHORITIES.find((candidate) => candidate.name === name);
  if (authority === undefined) throw new Error(`no authority named ${name}`);
  return authority.gss;
}

describe('borough centroids', () => {
  it('places the City of London at the Bank junction, within a few hundred metres', () => {
    const city = boroughCentroid(gss('City of London'));
    expect(city.lon).toBeCloseTo(-0.0923, 3);
    expect(city.lat).toBeCloseTo(51.5153, 3);
  });

  it('has a centroid for every authority, west to east in the expected order', () => {
    for (const { gss: code } of LONDON_AUTHORITIES) {
      const { lon, lat } = boroughCentroid(code);
      expect(lon).toBeGreaterThan(-0.55);
      expect(lon).toBeLessThan(0.3);
      expect(lat).toBeGreaterThan(51.3);
      expect(lat).toBeLessThan(51.7);
    }
    expect(boroughCentroid(gss('Hillingdon')).lon).toBeLessThan(boroughCentroid(gss('Camden')).lon);
    expect(boroughCentroid(gss('Camden')).lon).toBeLessThan(boroughCentroid(gss('Havering')).lon);
    expect(boroughCentroid(gss('Croydon')).lat).toBeLessThan(boroughCentroid(gss('Enfield')).lat);
  });

  it('throws UnknownLondonAuthorityError for a code outside London', () => {
    expect(() => boroughCentroid('E08000001')).toThrow(UnknownLondonAuthorityError);
    expect(() => boroughCentroid('')).toThrow(UnknownLondonAuthorityError);
  });
});

describe('distance between boroughs', () => {
  it('is 0 for the same borough', () => {
    expect(distanceKm(gss('Camden'), gss('Camden'))).toBe(0);
  });

  it.each([
    ['Camden', 'Islington', 3, 4],
    ['Lambeth', 'Southwark', 3, 4.5],
    ['City of London', 'Westminster', 4, 5.5],
    ['Hackney', 'Newham', 6.5, 8.5],
  ])('%s to %s is between %d and %d km', (a, b, min, max) => {
    const distance = distanceKm(gss(a), gss(b));
    expect(distance).toBeGreaterThan(min);
    expect(distance).toBeLessThan(max);
  });

  it('Havering to Hillingdon, across the whole of London, is over 30 km and the longest', () => {
    const across = distanceKm(gss('Havering'), gss('Hillingdon'));
    expect(across).toBeGreaterThan(30);
    expect(across).toBeLessThan(50);
    for (const a of LONDON_AUTHORITIES) {
      for (const b of LONDON_AUTHORITIES) {
        expect(distanceKm(a.gss, b.gss)).toBeLessThanOrEqual(across);
      }
    }
  });

  it('is symmetric and positive between different boroughs', () => {
    for (const a of LONDON_AUTHORITIES) {
      for (const b of LONDON_AUTHORITIES) {
        expect(distanceKm(a.gss, b.gss)).toBe(distanceKm(b.gss, a.gss));
        if (a.gss !== b.gss) expect(distanceKm(a.gss, b.gss)).toBeGreaterThan(0);
      }
    }
  });

  it('keeps neighbours closer than boroughs at the far side of London', () => {
    const camden = gss('Camden');
    for (const neighbour of adjacentAuthorities(camden)) {
      expect(distanceKm(camden, neighbour)).toBeLessThan(distanceKm(camden, gss('Bromley')));
    }
  });

  it('throws UnknownLondonAuthorityError naming the code that is not London', () => {
    expect(() => distanceKm(gss('Camden'), 'W06000015')).toThrow(
      expect.objectContaining({ gss: 'W06000015' }) as Error,
    );
    expect(() => distanceKm('S12000036', gss('Camden'))).toThrow(UnknownLondonAuthorityError);
  });
});
