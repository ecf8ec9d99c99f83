import { isLondonPostcode, normaliseAddress, normalisePostcode } from './postcode';

describe('normalisePostcode', () => {
  it.each([
    // raw → canonical
    ['SW1A 1AA', 'SW1A 1AA'],
    ['sw1a1aa', 'SW1A 1AA'],
    ['  Sw1a   1aA ', 'SW1A 1AA'],
    ['e15 1aa', 'E15 1AA'],
    ['E151AA', 'E15 1AA'],
    ['M1 1AE', 'M1 1AE'],
    ['m11ae', 'M1 1AE'],
    ['B33 8TH', 'B33 8TH'],
    ['CR2 6XH', 'CR2 6XH'],
    ['DN55 1PT', 'DN55 1PT'],
    ['W1A 0AX', 'W1A 0AX'],
    ['EC1A 1BB', 'EC1A 1BB'],
    ['NW1\t8AA', 'NW1 8AA'],
    ['GIR 0AA', 'GIR 0AA'],
    ['gir0aa', 'GIR 0AA'],
  ])('%j → %j', (raw, expected) => {
    expect(normalisePostcode(raw)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['E15'],
    ['1AA'],
    ['E15 1A'],
    ['E15 AAA'],
    ['15E 1AA'],
    ['EEE1 1AA'],
    ['E15 1AAA'],
    ['SW1A-1AA'],
    ['SW1A 1ÅA'],
    ['GIR 0AB'],
    ['E1 5 1AA X'],
    ['<script>'],
  ])('%j is not a postcode', (raw) => {
    expect(normalisePostcode(raw)).toBeUndefined();
  });
});

describe('normaliseAddress', () => {
  it.each([
    ['12a, Acacia Avenue. London  e15 1aa', '12A ACACIA AVENUE LONDON'],
    ['12A Acacia Avenue, London, E15 1AA', '12A ACACIA AVENUE LONDON'],
    ['12A ACACIA AVENUE LONDON E151AA', '12A ACACIA AVENUE LONDON'],
    ['Flat 3/4 Station Rd.', 'FLAT 3 4 STATION RD'],
    ['  Unit 7 – Bow Industrial Park  ', 'UNIT 7 BOW INDUSTRIAL PARK'],
    ["St. Mary's Road", 'ST MARY S ROAD'],
    // A word that merely looks like a postcode mid-line stays.
    ['Block E15 1AA Court', 'BLOCK E15 1AA COURT'],
  ])('%j → %j', (raw, expected) => {
    expect(normaliseAddress(raw)).toBe(expected);
  });

  it('is undefined when only punctuation or a postcode is left', () => {
    expect(normaliseAddress(' ,.; ')).toBeUndefined();
    expect(normaliseAddress('E15 1AA')).toBeUndefined();
  });
});

describe('isLondonPostcode', () => {
  it.each([
    ['E15 1AA', true],
    ['sw1a1aa', true],
    ['EC1A 1BB', true],
    ['BR1 1AA', true],
    ['TN16 3AA', true],
    ['UB7 0AA', true],
    ['M1 1AA', false],
    ['B1 1AA', false],
    ['TN1 1AA', false],
    ['EH1 1AA', false],
    ['SO14 1AA', false],
  ])('%s → %s', (postcode, expected) => {
    expect(isLondonPostcode(postcode)).toBe(expected);
  });

  it('is undefined for text that is not a postcode', () => {
    expect(isLondonPostcode('not a postcode')).toBeUndefined();
  });
});
