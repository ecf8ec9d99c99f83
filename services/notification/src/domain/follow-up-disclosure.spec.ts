import type { OrganisationKind } from '@harbour/contracts';
import type { DisclosureLevel } from '@harbour/contracts';
import { FOLLOW_UP_DISCLOSURE, mayReceiveStage, maySeeStage } from './follow-up-disclosure';

const ALL_KINDS: OrganisationKind[] = [
  'police_borough',
  'police_specialist',
  'immigration',
  'local_authority',
  'ngo',
  'housing_provider',
  'missing_person_unit',
  'coordinator',
];

describe('who may see a released disclosure stage', () => {
  it('sends a notice to every kind of partner', () => {
    expect(ALL_KINDS.filter((kind) => maySeeStage(kind, 'notice'))).toEqual(ALL_KINDS);
  });

  it('keeps operational detail (address, time) from housing providers only', () => {
    expect(ALL_KINDS.filter((kind) => !maySeeStage(kind, 'operational'))).toEqual([
      'housing_provider',
    ]);
  });

  it('sends personal data only to police, local authorities and missing-person units', () => {
    expect(ALL_KINDS.filter((kind) => maySeeStage(kind, 'personal'))).toEqual([
      'police_borough',
      'police_specialist',
      'local_authority',
      'missing_person_unit',
    ]);
    expect(maySeeStage('ngo', 'personal')).toBe(false);
    expect(maySeeStage('immigration', 'personal')).toBe(false);
  });

  it('never widens with the level: whoever may see a stage may see the ones before it', () => {
    for (const kind of FOLLOW_UP_DISCLOSURE.personal)
      expect(maySeeStage(kind, 'operational')).toBe(true);
    for (const kind of FOLLOW_UP_DISCLOSURE.operational)
      expect(maySeeStage(kind, 'notice')).toBe(true);
  });

  it('gives an unknown kind nothing', () => {
    expect(maySeeStage('journalist', 'notice')).toBe(false);
  });
});

describe('who receives a stage released for some roles only', () => {
  const POLICE_ONLY: OrganisationKind[] = [
    'police_borough',
    'police_specialist',
    'missing_person_unit',
  ];

  it.each<[DisclosureLevel, OrganisationKind[] | undefined, OrganisationKind[]]>([
    // The Philomena profile: personal, for police and missing-person units only.
    ['personal', POLICE_ONLY, ['police_borough', 'police_specialist', 'missing_person_unit']],
    // Without roles, the level alone decides.
    [
      'personal',
      undefined,
      ['police_borough', 'police_specialist', 'local_authority', 'missing_person_unit'],
    ],
    // Roles never widen a level: an NGO named for a personal stage still gets nothing.
    ['personal', ['ngo', 'police_borough'], ['police_borough']],
    ['personal', ['housing_provider', 'immigration', 'coordinator'], []],
    ['operational', ['ngo', 'housing_provider'], ['ngo']],
    ['notice', ['housing_provider'], ['housing_provider']],
  ])('level %s, roles %j → %j', (level, roles, expected) => {
    expect(ALL_KINDS.filter((kind) => mayReceiveStage(kind, level, roles))).toEqual(expected);
  });

  it('gives an unknown kind nothing, even when a role list could not name it', () => {
    expect(mayReceiveStage('journalist', 'notice', POLICE_ONLY)).toBe(false);
    expect(mayReceiveStage('journalist', 'notice')).toBe(false);
  });
});
