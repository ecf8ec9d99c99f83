import type { ReferralSubmissionBody } from '@harbour/contracts';
import { submitReferral } from './referral';

const NOW = new Date('2026-11-28T10:00:00Z');
const TODAY = '2026-11-28';
const BY = { organisationId: 'org-1', organisationKind: 'police_borough' } as const;

const submission = (
  person: Partial<ReferralSubmissionBody['person']>,
  extra: Partial<ReferralSubmissionBody> = {},
): ReferralSubmissionBody => ({
  person: { gender: 'female', ...person },
  exploitationTypes: ['sexual'],
  borough: 'E09000007',
  responder: { name: 'PC Officer', phone: '+44 20 7946 0000' },
  consent: { nrm: false, shareWith: ['ngo'] },
  ...extra,
});

const identified = {
  givenName: 'Ana',
  familyName: 'Pop',
  aliases: ['A.P.'],
  nationality: 'RO',
  languages: ['ro'],
  speaksEnglish: false,
};

describe('who is a child, and which mechanism', () => {
  it.each([
    ['17 by date of birth, no consent', { dateOfBirth: '2009-06-01' }, false, true, 17, 'nrm'],
    ['18 today, no consent', { dateOfBirth: '2008-11-28' }, false, false, 18, 'duty_to_notify'],
    ['18 today, consents', { dateOfBirth: '2008-11-28' }, true, false, 18, 'nrm'],
    ['estimated 16', { ageEstimateYears: 16 }, false, true, 16, 'nrm'],
    [
      'date of birth wins over the estimate',
      { dateOfBirth: '2008-01-01', ageEstimateYears: 17 },
      false,
      false,
      18,
      'duty_to_notify',
    ],
    [
      'age disputed, adult estimate',
      { ageEstimateYears: 25, ageDisputed: true },
      false,
      true,
      25,
      'nrm',
    ],
    ['age disputed, no age', { ageDisputed: true }, false, true, undefined, 'nrm'],
    ['adult, no consent', { ageEstimateYears: 30 }, false, false, 30, 'duty_to_notify'],
  ] as const)('%s', (_case, person, nrmConsent, isChild, ageYears, mechanism) => {
    const ruling = submitReferral(
      'r-1',
      submission(person, { consent: { nrm: nrmConsent } }),
      BY,
      NOW,
      TODAY,
    );
    if (ruling.kind !== 'accepted') throw new Error(JSON.stringify(ruling));
    expect(ruling.change.subject.isChild).toBe(isChild);
    expect(ruling.change.subject.ageYears).toBe(ageYears);
    expect(ruling.change.mechanism).toBe(mechanism);
    // A child is referred without consent: recorded as consenting to the NRM.
    expect(ruling.change.consent.nrm).toBe(mechanism === 'nrm');
  });

  it.each([
    ['no age at all', {}, ['/person']],
    ['a date of birth in the future', { dateOfBirth: '2026-11-29' }, ['/person/dateOfBirth']],
    [
      'an estimate 3 years off the date of birth',
      { dateOfBirth: '2000-01-01', ageEstimateYears: 23 },
      ['/person/ageEstimateYears'],
    ],
    ['an estimate 2 years off is fine', { dateOfBirth: '2000-01-01', ageEstimateYears: 24 }, []],
  ] as const)('%s', (_case, person, pointers) => {
    const ruling = submitReferral('r-1', submission(person), BY, NOW, TODAY);
    expect(ruling.kind === 'invalid' ? ruling.issues.map((i) => i.pointer) : []).toEqual(pointers);
  });
});

describe('Duty to Notify keeps nothing identifying', () => {
  const body = submission(
    { ...identified, dateOfBirth: '1990-05-05' },
    {
      narrative: 'Met at the car wash on <b>Sunday</b>',
      indicators: ['no passport'],
      locations: [
        {
          postcode: 'NW1 2DB',
          address: '1 Car Wash Road',
          borough: 'E09000007',
          kind: 'exploitation',
        },
        { postcode: 'N1 9GU' },
      ],
      accommodationNeed: { urgency: 'tonight' },
    },
  );

  it('drops names, aliases, date of birth, nationality, narrative and addresses, and says so', () => {
    const ruling = submitReferral('r-1', body, BY, NOW, TODAY);
    if (ruling.kind !== 'accepted') throw new Error('refused');
    const referral = ruling.change;
    expect(referral.mechanism).toBe('duty_to_notify');
    expect(referral.discarded).toEqual([
      '/person/givenName',
      '/person/familyName',
      '/person/aliases',
      '/person/dateOfBirth',
      '/person/nationality',
      '/narrative',
      '/locations/0/address',
    ]);
    expect(JSON.stringify(referral)).not.toMatch(/Ana|Pop|A\.P\.|"RO"|1990|car wash|Car Wash Road/);
    expect(referral.personal).toEqual({ responder: body.responder });
    // What is kept: the age, gender, languages, borough, indicators, postcodes, the need.
    expect(referral).toMatchObject({
      subject: {
        isChild: false,
        ageDisputed: false,
        ageYears: 36,
        gender: 'female',
        speaksEnglish: false,
      },
      languages: ['ro'],
      indicators: ['no passport'],
      locations: [
        { postcode: 'NW1 2DB', borough: 'E09000007', kind: 'exploitation' },
        { postcode: 'N1 9GU' },
      ],
      accommodationNeed: { urgency: 'tonight' },
      consent: { nrm: false, shareWith: ['ngo'] },
    });
  });

  it('an NRM referral keeps them, apart from the shareable fields', () => {
    const ruling = submitReferral('r-1', { ...body, consent: { nrm: true } }, BY, NOW, TODAY);
    if (ruling.kind !== 'accepted') throw new Error('refused');
    expect(ruling.change.discarded).toEqual([]);
    expect(ruling.change.personal).toEqual({
      givenName: 'Ana',
      familyName: 'Pop',
      aliases: ['A.P.'],
      dateOfBirth: '1990-05-05',
      nationality: 'RO',
      narrative: 'Met at the car wash on <b>Sunday</b>',
      locationAddresses: [{ index: 0, address: '1 Car Wash Road' }],
      responder: body.responder,
    });
    expect(ruling.change.locations[0]).not.toHaveProperty('address');
    expect(ruling.change.consent.shareWith).toEqual([]);
  });
});
