import { UnknownLondonAuthorityError } from './unknown-london-authority-error';
import type { GssCode } from './gss-code';
import type { LondonAuthority } from './london-authority';
import type { MetBcu } from './met-bcu';

function borough(gss: GssCode, name: string, bcu: MetBcu, shortName?: string): LondonAuthority {
  return Object.freeze({
    gss,
    name,
    ...(shortName === undefined ? {} : { shortName }),
    policeForce: 'Metropolitan Police Service',
    bcu,
  });
}

/** The 33 London local authorities in GSS code order (which is the ONS's alphabetical order, City first). */
export const LONDON_AUTHORITIES: readonly LondonAuthority[] = Object.freeze([
  // The City has its own force; it is not part of any Met BCU.
  Object.freeze({
    gss: 'E09000001',
    name: 'City of London',
    shortName: 'City',
    policeForce: 'City of London Police',
    bcu: null,
  }),
  borough('E09000002', 'Barking and Dagenham', 'East Area', 'Barking & Dagenham'),
  borough('E09000003', 'Barnet', 'North West'),
  borough('E09000004', 'Bexley', 'South East'),
  borough('E09000005', 'Brent', 'North West'),
  borough('E09000006', 'Bromley', 'South Area'),
  borough('E09000007', 'Camden', 'Central North'),
  borough('E09000008', 'Croydon', 'South Area'),
  borough('E09000009', 'Ealing', 'West Area'),
  borough('E09000010', 'Enfield', 'North Area'),
  borough('E09000011', 'Greenwich', 'South East'),
  borough('E09000012', 'Hackney', 'Central East'),
  borough('E09000013', 'Hammersmith and Fulham', 'Central West', 'Hammersmith & Fulham'),
  borough('E09000014', 'Haringey', 'North Area'),
  borough('E09000015', 'Harrow', 'North West'),
  borough('E09000016', 'Havering', 'East Area'),
  borough('E09000017', 'Hillingdon', 'West Area'),
  borough('E09000018', 'Hounslow', 'West Area'),
  borough('E09000019', 'Islington', 'Central North'),
  borough('E09000020', 'Kensington and Chelsea', 'Central West', 'Kensington & Chelsea'),
  borough('E09000021', 'Kingston upon Thames', 'South West', 'Kingston'),
  borough('E09000022', 'Lambeth', 'Central South'),
  borough('E09000023', 'Lewisham', 'South East'),
  borough('E09000024', 'Merton', 'South West'),
  borough('E09000025', 'Newham', 'North East'),
  borough('E09000026', 'Redbridge', 'East Area'),
  borough('E09000027', 'Richmond upon Thames', 'South West', 'Richmond'),
  borough('E09000028', 'Southwark', 'Central South'),
  borough('E09000029', 'Sutton', 'South Area'),
  borough('E09000030', 'Tower Hamlets', 'Central East'),
  borough('E09000031', 'Waltham Forest', 'North East'),
  borough('E09000032', 'Wandsworth', 'South West'),
  borough('E09000033', 'Westminster', 'Central West'),
]);

const BY_GSS: ReadonlyMap<string, LondonAuthority> = new Map(
  LONDON_AUTHORITIES.map((authority) => [authority.gss, authority]),
);

export function authorityByGss(gss: string): LondonAuthority | undefined {
  return BY_GSS.get(gss);
}

/** Like {@link authorityByGss}, for callers that have already validated the code. */
export function requireAuthority(gss: string): LondonAuthority {
  const authority = BY_GSS.get(gss);
  if (authority === undefined) throw new UnknownLondonAuthorityError(gss);
  return authority;
}

/** The boroughs a Met BCU covers, in GSS order. */
export function authoritiesInBcu(bcu: MetBcu): readonly LondonAuthority[] {
  return LONDON_AUTHORITIES.filter((authority) => authority.bcu === bcu);
}
