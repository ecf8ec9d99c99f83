import { philomenaProfileStage } from './philomena-profile';

describe('the Philomena profile stage', () => {
  it('carries only what the report gave, to police roles only, at personal level', () => {
    expect(
      philomenaProfileStage(
        {
          givenName: 'Amira',
          dateOfBirth: '2010-04-01',
          philomenaProfile: { places: ['Kings Cross', 'Euston'], associates: [] },
          subjectReference: 'CAD-1',
        },
        'ep-1',
      ),
    ).toEqual({
      level: 'personal',
      title: 'Philomena profile — police only',
      lines: [
        { label: 'Name', value: 'Amira' },
        { label: 'Date of birth', value: '2010-04-01' },
        { label: 'Places', value: 'Kings Cross; Euston' },
        { label: 'Episode reference', value: 'ep-1' },
      ],
      reason: 'Philomena profile: police recipients only',
      roles: ['police_borough', 'police_specialist', 'missing_person_unit'],
    });
  });

  it('is not released when there is nothing to show', () => {
    expect(philomenaProfileStage({ subjectReference: 'CAD-1' }, 'ep-1')).toBeUndefined();
    expect(philomenaProfileStage({ philomenaProfile: {} }, 'ep-1')).toBeUndefined();
  });
});
