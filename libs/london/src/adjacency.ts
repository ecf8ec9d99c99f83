import adjacencyFile from './generated/adjacency.json';
import { isLondonGss, type GssCode } from './gss-code';
import { LONDON_AUTHORITIES } from './london-authorities';
import { UnknownLondonAuthorityError } from './unknown-london-authority-error';

/** Checked once at load so a damaged generated file fails loudly rather than routing wrongly. */
function loadAdjacency(): ReadonlyMap<string, readonly GssCode[]> {
  const byGss = new Map<string, readonly GssCode[]>();
  for (const [gss, neighbours] of Object.entries(adjacencyFile.adjacency)) {
    if (!isLondonGss(gss) || !neighbours.every(isLondonGss)) {
      throw new Error(`generated adjacency holds a non-London GSS code under ${gss}`);
    }
    byGss.set(gss, Object.freeze([...neighbours]));
  }
  const missing = LONDON_AUTHORITIES.filter(({ gss }) => !byGss.has(gss));
  if (missing.length > 0 || byGss.size !== LONDON_AUTHORITIES.length) {
    throw new Error(
      `generated adjacency does not cover exactly the ${LONDON_AUTHORITIES.length} authorities`,
    );
  }
  return byGss;
}

const ADJACENCY = loadAdjacency();

/**
 * GSS codes of the authorities sharing a land boundary with `gss`, sorted. Authorities that face
 * each other only across the Thames are not adjacent (see the README).
 * @throws UnknownLondonAuthorityError when `gss` is not a London code.
 */
export function adjacentAuthorities(gss: string): readonly GssCode[] {
  const neighbours = ADJACENCY.get(gss);
  if (neighbours === undefined) throw new UnknownLondonAuthorityError(gss);
  return neighbours;
}

/**
 * Whether two authorities share a land boundary. An authority is not adjacent to itself.
 * @throws UnknownLondonAuthorityError when either code is not a London code.
 */
export function areAdjacent(a: string, b: string): boolean {
  adjacentAuthorities(b);
  return adjacentAuthorities(a).some((neighbour) => neighbour === b);
}
