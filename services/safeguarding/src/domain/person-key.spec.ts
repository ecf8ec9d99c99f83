import { normaliseNamePart, personKeyValues } from './person-key';

describe('person keys', () => {
  it.each([
    ['Ana-María  López', 'anamarialopez'],
    ['ANA MARIA LOPEZ', 'anamarialopez'],
    ["O'Brien", 'obrien'],
    ['Zoë', 'zoe'],
    ['  Nguyễn Thị ', 'nguyenthi'],
  ])('%j normalises to %j', (raw, expected) => {
    expect(normaliseNamePart(raw)).toBe(expected);
  });

  it('names and date of birth make one key only when all three are known', () => {
    expect(
      personKeyValues({ givenName: 'Zoë', familyName: 'Smith', dateOfBirth: '2010-01-02' }),
    ).toEqual([{ purpose: 'person:name-dob', value: 'zoe|smith|2010-01-02' }]);
    expect(personKeyValues({ givenName: 'Zoë', familyName: 'Smith' })).toEqual([]);
    expect(personKeyValues({ givenName: 'Zoë', dateOfBirth: '2010-01-02' })).toEqual([]);
    expect(
      personKeyValues({ givenName: '--', familyName: 'Smith', dateOfBirth: '2010-01-02' }),
    ).toEqual([]);
  });

  it('the subject reference is a key of its own, case and space insensitive', () => {
    expect(personKeyValues({ subjectReference: ' CAD 123/45 ' })).toEqual([
      { purpose: 'person:subject-reference', value: 'cad123/45' },
    ]);
  });
});
