import { readKnownVictimQuery } from './known-victim-query';

describe('reading a known-victim check', () => {
  it.each([
    [{ postcode: 'e151aa' }, { postcode: 'E15 1AA' }],
    [{ address: '12 Acacia Avenue, London, E15 1AA' }, { address: '12 ACACIA AVENUE LONDON' }],
    [
      { postcode: 'gir 0aa', address: 'Bootle' },
      { postcode: 'GIR 0AA', address: 'BOOTLE' },
    ],
  ])('%j → %j', (body, query) => {
    expect(readKnownVictimQuery(body)).toEqual({ ok: true, query });
  });

  it.each([
    [null, ''],
    [[], ''],
    ['E15 1AA', ''],
    [{}, '/postcode'],
    [{ postcode: 'E15' }, '/postcode'],
    [{ postcode: 15 }, '/postcode'],
    [{ address: '' }, '/address'],
    [{ address: '!!!' }, '/address'],
    [{ address: 'a'.repeat(501) }, '/address'],
    [{ postcode: 'E15 1AA', givenName: 'Amira' }, '/givenName'],
  ])('%j is refused at %j', (body, pointer) => {
    const read = readKnownVictimQuery(body);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.issues.map((i) => i.pointer)).toContain(pointer);
  });
});
