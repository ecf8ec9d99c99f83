import type { PropertyRegistrationBody } from '@harbour/contracts';
import { freeBeds, isStale, normaliseDistrict, propertyRegistrationIssues } from './property';

const body = (overrides: Partial<PropertyRegistrationBody> = {}): PropertyRegistrationBody => ({
  label: 'Safe house 1',
  borough: 'E09000025',
  postcodeDistrict: 'E15',
  genderServed: 'female',
  ages: ['adult'],
  supportLevel: 'safe_house',
  nrmStages: ['pre_nrm'],
  nrpfAccepted: true,
  beds: 4,
  availableBeds: 2,
  ...overrides,
});

const pointers = (overrides: Partial<PropertyRegistrationBody>) =>
  propertyRegistrationIssues(body(overrides)).map((i) => i.pointer);

describe('property registration rules', () => {
  it('accepts a sound property, children with the family group, and London districts outside the London areas', () => {
    expect(pointers({})).toEqual([]);
    expect(pointers({ ages: ['adult', 'family'], childrenAccepted: 3 })).toEqual([]);
    expect(pointers({ borough: 'E09000006', postcodeDistrict: 'TN16' })).toEqual([]);
    expect(pointers({ availableBeds: 4 })).toEqual([]);
  });

  it('refuses each broken rule, naming the field', () => {
    expect(pointers({ availableBeds: 5 })).toEqual(['/availableBeds']);
    expect(pointers({ childrenAccepted: 1 })).toEqual(['/childrenAccepted']);
    expect(pointers({ borough: 'E09000034' })).toEqual(['/borough']);
    expect(pointers({ postcodeDistrict: 'M1' })).toEqual(['/postcodeDistrict']);
    expect(pointers({ postcodeDistrict: 'B12' })).toEqual(['/postcodeDistrict']);
  });

  it('keeps districts in capitals', () => {
    expect(normaliseDistrict(' e15 ')).toBe('E15');
  });

  it('free beds are available less held, never negative', () => {
    expect(freeBeds(3, 1)).toBe(2);
    expect(freeBeds(1, 2)).toBe(0);
  });

  it('stale once unconfirmed for longer than the window', () => {
    const now = new Date('2026-11-28T12:00:00Z');
    expect(isStale(new Date('2026-11-27T12:00:00Z'), now, 24)).toBe(false);
    expect(isStale(new Date('2026-11-27T11:59:59Z'), now, 24)).toBe(true);
  });
});
