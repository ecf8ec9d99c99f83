export { adjacentAuthorities, areAdjacent } from './adjacency';
export { boroughCentroid, distanceKm, type LonLat } from './centroids';
export { isLondonGss, type GssCode } from './gss-code';
export {
  LONDON_AUTHORITIES,
  authoritiesInBcu,
  authorityByGss,
  requireAuthority,
} from './london-authorities';
export type { LondonAuthority } from './london-authority';
export { MET_BCUS, isMetBcu, type MetBcu } from './met-bcu';
export type { PoliceForce } from './police-force';
export { UnknownLondonAuthorityError } from './unknown-london-authority-error';
export * from './london-time';
export { isLondonPostcode, normaliseAddress, normalisePostcode } from './postcode';
export * from './working-days';
