import {
  LONDON_AUTHORITIES,
  MET_BCUS,
  UnknownLondonAuthorityError,
  authoritiesInBcu,
  authorityByGss,
  isLondonGss,
  isMetBcu,
  requireAuthority,
  type MetBcu,
} from './index';

const expectedCodes = Array.from(
  { length: 33 },
  (_, index) => `E09${String(index + 1).padStart(6, '0')}`,
);

describe('LONDON_AUTHORITIES', () => {
  it('lists the 33 authorities with codes E09000001 to E09000033, once each, in code order', () => {
    expect(LONDON_AUTHORITIES.map(({ gss }) => gss)).toEqual(expectedCodes);
  });

  it('gives every authority a distinct name', () => {
    expect(new Set(LONDON_AUTHORITIES.map(({ name }) => name)).size).toBe(33);
  });

  it.each([
    ['E09000001', 'City of London'],
    ['E09000002', 'Barking and Dagenham'],
    ['E09000007', 'Camden'],
    ['E09000021', 'Kingston upon Thames'],
    ['E09000027', 'Richmond upon Thames'],
    ['E09000033', 'Westminster'],
  ])('knows %s as %s', (gss, name) => {
    expect(authorityByGss(gss)?.name).toBe(name);
  });

  it('cannot be modified by a caller', () => {
    expect(Object.isFrozen(LONDON_AUTHORITIES)).toBe(true);
    expect(LONDON_AUTHORITIES.every((authority) => Object.isFrozen(authority))).toBe(true);
  });
});

describe('isLondonGss', () => {
  it('accepts every London code', () => {
    expect(expectedCodes.every(isLondonGss)).toBe(true);
  });

  it.each(['E09000000', 'E09000034', 'E08000001', 'e09000001', ' E09000001', 'E090000010', ''])(
    'rejects %j',
    (code) => {
      expect(isLondonGss(code)).toBe(false);
    },
  );
});

describe('authorityByGss and requireAuthority', () => {
  it('return nothing, or throw a coded error, for a code outside London', () => {
    expect(authorityByGss('E08000025')).toBeUndefined();
    let thrown: unknown;
    try {
      requireAuthority('E08000025');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnknownLondonAuthorityError);
    expect(thrown).toMatchObject({ code: 'LONDON_UNKNOWN_AUTHORITY', gss: 'E08000025' });
  });
});

describe('policing', () => {
  it('puts the City of London under its own force, outside any Met BCU', () => {
    expect(requireAuthority('E09000001')).toMatchObject({
      policeForce: 'City of London Police',
      bcu: null,
    });
  });

  it('puts each of the 32 boroughs in one Met BCU', () => {
    const boroughs = LONDON_AUTHORITIES.filter(({ gss }) => gss !== 'E09000001');
    expect(boroughs).toHaveLength(32);
    for (const borough of boroughs) {
      expect(borough.policeForce).toBe('Metropolitan Police Service');
      expect(borough.bcu !== null && isMetBcu(borough.bcu)).toBe(true);
    }
  });

  it('has 12 BCUs of 2 to 4 boroughs each', () => {
    expect(MET_BCUS).toHaveLength(12);
    for (const bcu of MET_BCUS) {
      expect(authoritiesInBcu(bcu).length).toBeGreaterThanOrEqual(2);
      expect(authoritiesInBcu(bcu).length).toBeLessThanOrEqual(4);
    }
  });

  // The grouping the Met announced in February 2018 and completed in early 2019.
  it.each<[MetBcu, string[]]>([
    ['Central East', ['Hackney', 'Tower Hamlets']],
    ['Central North', ['Camden', 'Islington']],
    ['Central South', ['Lambeth', 'Southwark']],
    ['Central West', ['Hammersmith and Fulham', 'Kensington and Chelsea', 'Westminster']],
    ['East Area', ['Barking and Dagenham', 'Havering', 'Redbridge']],
    ['North Area', ['Enfield', 'Haringey']],
    ['North East', ['Newham', 'Waltham Forest']],
    ['North West', ['Barnet', 'Brent', 'Harrow']],
    ['South Area', ['Bromley', 'Croydon', 'Sutton']],
    ['South East', ['Bexley', 'Greenwich', 'Lewisham']],
    ['South West', ['Kingston upon Thames', 'Merton', 'Richmond upon Thames', 'Wandsworth']],
    ['West Area', ['Ealing', 'Hillingdon', 'Hounslow']],
  ])('%s covers %j', (bcu, names) => {
    expect(authoritiesInBcu(bcu).map(({ name }) => name)).toEqual(names);
  });

  it('recognises BCU names exactly', () => {
    expect(isMetBcu('South East')).toBe(true);
    expect(isMetBcu('south east')).toBe(false);
    expect(isMetBcu('City of London')).toBe(false);
  });
});
