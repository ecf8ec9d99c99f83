import { LONDON_AUTHORITIES } from '@harbour/london';
import { DEMO_SPECIALISTS, demoDirectory, slugOf } from './demo-directory';
import { nameBasedUuid } from './name-based-uuid';

describe('demoDirectory', () => {
  const directory = demoDirectory();

  it('has a missing-person unit, a police SPoC and children’s services for each of the 33 authorities, and a coordinator', () => {
    expect(LONDON_AUTHORITIES).toHaveLength(33);
    expect(directory).toHaveLength(33 * 3 + DEMO_SPECIALISTS.length + 1);
    expect(DEMO_SPECIALISTS.map((o) => o.kind)).toContain('police_specialist');
    expect(DEMO_SPECIALISTS.every((o) => o.boroughs.join() === 'pan_london')).toBe(true);
    for (const authority of LONDON_AUTHORITIES) {
      const kinds = directory.filter((o) => o.boroughs.includes(authority.gss)).map((o) => o.kind);
      expect(kinds.sort()).toEqual(['local_authority', 'missing_person_unit', 'police_borough']);
    }
    expect(directory.filter((o) => o.kind === 'coordinator')).toEqual([
      expect.objectContaining({ boroughs: ['pan_london'] }),
    ]);
  });

  it('names and addresses them after the borough', () => {
    expect(directory).toContainEqual(
      expect.objectContaining({
        name: 'Camden Missing Persons Unit',
        kind: 'missing_person_unit',
        boroughs: ['E09000007'],
        email: 'mpu.camden@demo.harbour.localhost',
      }),
    );
    expect(directory).toContainEqual(
      expect.objectContaining({
        kind: 'police_borough',
        email: 'spoc.barking-and-dagenham@demo.harbour.localhost',
      }),
    );
    expect(directory).toContainEqual(
      expect.objectContaining({
        kind: 'local_authority',
        email: 'childrens.city-of-london@demo.harbour.localhost',
      }),
    );
  });

  it('gives the pan-London outreach NGOs the outreach specialism, and the guardians children', () => {
    const specialist = (name: string) => DEMO_SPECIALISTS.find((o) => o.name === name);
    const outreach = DEMO_SPECIALISTS.filter((o) => o.specialisms?.includes('outreach'));
    expect(outreach.map((o) => o.name).sort()).toEqual([
      'Demo Labour Exploitation Advice',
      'Demo Sex Work Outreach',
    ]);
    expect(outreach.every((o) => o.kind === 'ngo' && o.boroughs.join() === 'pan_london')).toBe(
      true,
    );
    expect(specialist('Demo Child Trafficking Guardians')).toMatchObject({
      kind: 'ngo',
      boroughs: ['pan_london'],
      specialisms: expect.arrayContaining(['children']) as unknown,
    });
  });

  it('keeps the ids of the specialists: other services and demo scripts name them', () => {
    expect(Object.fromEntries(DEMO_SPECIALISTS.map((o) => [o.email, o.id]))).toEqual({
      'ukvi-london@demo.harbour.localhost': '1478f89f-a0da-5b0d-a6b8-1654e3b44f1c',
      'modern-slavery-unit@demo.harbour.localhost': 'f8809d51-f657-5160-88f2-0c012e4114e1',
      'guardians@demo.harbour.localhost': '0aa2e044-845d-5499-acab-67bfaef4bb1d',
      'domestic-workers@demo.harbour.localhost': '6500a90c-b9ad-5814-acd8-41c2d94da941',
      'sex-work-outreach@demo.harbour.localhost': '43b69cdb-3d28-5d4e-bdcd-f7610f478e1c',
      'labour-rights@demo.harbour.localhost': 'b3c0233f-9426-5b26-afee-c8cf760dae57',
      'womens-safe-house@demo.harbour.localhost': 'd2fa89ac-c0f3-5191-a1da-c0b623d4fc32',
      'mens-safe-house@demo.harbour.localhost': '7ed45797-d9bb-5e84-992c-0db012f8d277',
    });
  });

  it('gives every organisation and address a distinct id that is the same on every run', () => {
    expect(new Set(directory.map((o) => o.id)).size).toBe(directory.length);
    expect(new Set(directory.map((o) => o.email)).size).toBe(directory.length);
    expect(demoDirectory().map((o) => o.id)).toEqual(directory.map((o) => o.id));
  });
});

describe('nameBasedUuid', () => {
  it('computes RFC 9562 version-5 UUIDs', () => {
    // The RFC's example: the DNS namespace and "www.example.com".
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
});

describe('slugOf', () => {
  it('makes borough names safe for e-mail local parts', () => {
    expect(slugOf('Kingston upon Thames')).toBe('kingston-upon-thames');
    expect(slugOf('Hammersmith and Fulham')).toBe('hammersmith-and-fulham');
  });
});
