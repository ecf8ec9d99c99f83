import adjacencyFile from './generated/adjacency.json';
import {
  LONDON_AUTHORITIES,
  MET_BCUS,
  UnknownLondonAuthorityError,
  adjacentAuthorities,
  areAdjacent,
  authoritiesInBcu,
} from './index';

function gss(name: string): string {
  const authority = LONDON_AUTHORITIES.find((candidate) => candidate.name === name);
  if (authority === undefined) throw new Error(`no authority named ${name}`);
  return authority.gss;
}

describe('borough adjacency', () => {
  it.each([
    ['Camden', 'Islington'],
    ['Westminster', 'City of London'],
    ['Richmond upon Thames', 'Hounslow'],
    ['Havering', 'Barking and Dagenham'],
    ['Lambeth', 'Southwark'],
  ])('%s and %s are adjacent', (a, b) => {
    expect(areAdjacent(gss(a), gss(b))).toBe(true);
  });

  it('Bexley and Hillingdon, at opposite ends of London, are not adjacent', () => {
    expect(areAdjacent(gss('Bexley'), gss('Hillingdon'))).toBe(false);
  });

  // The source boundaries stop at the Thames' mean high water mark, so boroughs that face each
  // other across the river share no boundary in this data. Richmond upon Thames straddles the
  // river, which is why it still touches Hounslow on the north bank.
  it.each([
    ['Tower Hamlets', 'Greenwich'],
    ['Tower Hamlets', 'Southwark'],
    ['City of London', 'Southwark'],
    ['Westminster', 'Lambeth'],
    ['Barking and Dagenham', 'Bexley'],
  ])('%s and %s, facing each other across the Thames, are not adjacent', (a, b) => {
    expect(areAdjacent(gss(a), gss(b))).toBe(false);
  });

  it('is symmetric', () => {
    for (const { gss: a } of LONDON_AUTHORITIES) {
      for (const b of adjacentAuthorities(a)) {
        expect([b, adjacentAuthorities(b)]).toEqual([b, expect.arrayContaining([a])]);
      }
    }
  });

  it('never makes an authority its own neighbour', () => {
    for (const { gss: code } of LONDON_AUTHORITIES) {
      expect(adjacentAuthorities(code)).not.toContain(code);
      expect(areAdjacent(code, code)).toBe(false);
    }
  });

  it('gives every authority at least one neighbour, as sorted London codes', () => {
    const codes = LONDON_AUTHORITIES.map((authority) => authority.gss);
    for (const code of codes) {
      const neighbours = adjacentAuthorities(code);
      expect(neighbours.length).toBeGreaterThan(0);
      expect([...neighbours].sort()).toEqual(neighbours);
      expect(codes).toEqual(expect.arrayContaining([...neighbours]));
    }
  });

  // An independent cross-check: BCU membership is typed by hand, adjacency comes from boundary
  // data, and the Met drew every BCU as one contiguous area.
  it.each(MET_BCUS)('joins the boroughs of %s into one contiguous area', (bcu) => {
    const members = authoritiesInBcu(bcu).map((authority) => authority.gss);
    const reached = new Set([members[0]]);
    const queue = [members[0]!];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const neighbour of adjacentAuthorities(next)) {
        if (members.includes(neighbour) && !reached.has(neighbour)) {
          reached.add(neighbour);
          queue.push(neighbour);
        }
      }
    }
    expect([...reached].sort()).toEqual(members);
  });

  it('maps each boundary feature to the authority of the same name', () => {
    const namesByCode = Object.fromEntries(LONDON_AUTHORITIES.map((a) => [a.gss, a.name]));
    expect(adjacencyFile.featureIds).toEqual(namesByCode);
  });

  it('rejects codes that are not London authorities', () => {
    expect(() => adjacentAuthorities('E09000034')).toThrow(UnknownLondonAuthorityError);
    expect(() => areAdjacent(gss('Camden'), 'E07000001')).toThrow(UnknownLondonAuthorityError);
    expect(() => areAdjacent('camden', gss('Camden'))).toThrow(UnknownLondonAuthorityError);
  });

  it('cannot be modified by a caller', () => {
    expect(Object.isFrozen(adjacentAuthorities(gss('Camden')))).toBe(true);
  });
});
