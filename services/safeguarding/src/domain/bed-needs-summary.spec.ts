import type { BedNeeds, BedUrgency } from '@harbour/contracts';
import {
  adultAgeBand,
  bedNeedsLines,
  describeBedNeed,
  describePerson,
  urgencyWords,
} from './bed-needs-summary';

const needs = (overrides: Partial<BedNeeds> = {}): BedNeeds => ({
  gender: 'male',
  ageGroup: 'adult',
  ageYears: 34,
  accompanyingChildren: 0,
  languages: ['sq'],
  accessNeeds: [],
  supportLevel: 'emergency',
  nrmStage: 'pre_nrm',
  nrpf: true,
  ...overrides,
});

const TONIGHT: BedUrgency = {
  kind: 'tonight',
  neededBy: '2026-07-01T22:00:00Z',
  matchBy: '2026-07-01T21:00:00Z',
};

describe('bed needs in words', () => {
  it.each([
    [needs(), 'man, 30s, Albanian speaker'],
    [
      needs({ gender: 'female', ageYears: 27, accompanyingChildren: 2, languages: ['ro'] }),
      'woman, 20s, with 2 children, Romanian speaker',
    ],
    [needs({ ageYears: 19, languages: [] }), 'man, 18–19'],
    [needs({ ageYears: undefined, languages: ['sq', 'ro'] }), 'man, Albanian and Romanian speaker'],
    [
      needs({ gender: 'female', ageGroup: 'child_16_17', ageYears: 17, accompanyingChildren: 1 }),
      'girl, 16–17, with 1 child, Albanian speaker',
    ],
    [
      needs({ gender: 'unknown', ageGroup: 'child_under_16', ageYears: 14, languages: ['vi'] }),
      'child, under 16, Vietnamese speaker',
    ],
    [
      needs({ gender: 'non_binary', ageYears: 41, languages: ['sq', 'ro', 'vi', 'pl', 'bg'] }),
      'non-binary adult, 40s, Albanian, Romanian, Vietnamese and 2 other languages speaker',
    ],
  ])('%j → %s', (given, words) => {
    expect(describeBedNeed(given)).toBe(words);
  });

  it('never gives an exact age: adults in bands, children by their group only', () => {
    expect(describePerson(needs({ ageYears: 34 }))).toBe('man, 30s');
    expect(describePerson(needs({ ageGroup: 'child_16_17', ageYears: 16 }))).toBe('boy, 16–17');
    expect(adultAgeBand(undefined)).toBeUndefined();
    expect(adultAgeBand(15)).toBeUndefined();
    expect(adultAgeBand(18)).toBe('18–19');
    expect(adultAgeBand(70)).toBe('70s');
    const text = JSON.stringify(bedNeedsLines(needs({ ageYears: 34 }), TONIGHT));
    expect(text).not.toMatch(/\b34\b/);
  });

  it('names every need, one line each, in a fixed order', () => {
    const lines = bedNeedsLines(
      needs({
        gender: 'female',
        ageYears: 52,
        accompanyingChildren: 3,
        languages: ['ro', 'hu'],
        accessNeeds: ['wheelchair', 'step_free'],
        supportLevel: 'safe_house',
        nrmStage: 'recovery_period',
        nrpf: false,
      }),
      { kind: 'within_days', neededBy: '2026-12-03T12:00:00Z', matchBy: '2026-12-02T12:00:00Z' },
    );
    expect(lines).toEqual([
      { label: 'Needed', value: 'within days, by Thu, 3 Dec 2026, 12:00 GMT' },
      { label: 'Gender', value: 'female' },
      { label: 'Age group', value: 'adult (50s)' },
      { label: 'Accompanying children', value: '3' },
      { label: 'Languages', value: 'Romanian (ro), Hungarian (hu)' },
      { label: 'Access needs', value: 'wheelchair accessible; step-free access' },
      { label: 'Support level', value: 'NRM safe house' },
      { label: 'NRM stage', value: 'in the NRM recovery period' },
      { label: 'No recourse to public funds', value: 'no' },
    ]);
  });

  it('says when nothing is needed rather than leaving a line empty', () => {
    const lines = bedNeedsLines(needs({ languages: [], ageYears: undefined }), TONIGHT);
    const value = (label: string) => lines.find((l) => l.label === label)?.value;
    expect(value('Needed')).toBe('tonight, by Wed, 1 Jul 2026, 23:00 BST');
    expect(value('Age group')).toBe('adult');
    expect(value('Accompanying children')).toBe('none');
    expect(value('Languages')).toBe('none recorded');
    expect(value('Access needs')).toBe('none');
    expect(value('NRM stage')).toBe('not yet referred into the NRM (pre-NRM)');
    expect(value('No recourse to public funds')).toBe('yes');
  });

  it.each([
    ['tonight', 'tonight'],
    ['within_days', 'within days'],
    ['planned', 'planned move-on'],
  ] as const)('urgency %s reads %s', (kind, words) => {
    expect(urgencyWords({ ...TONIGHT, kind })).toBe(words);
  });
});
