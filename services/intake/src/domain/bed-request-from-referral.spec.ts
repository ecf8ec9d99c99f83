import type { ReferralSubmissionBody } from '@harbour/contracts';
import { LONDON_AUTHORITIES } from '@harbour/london';
import { bedRequestFromReferral } from './bed-request-from-referral';
import { type Referral, submitReferral } from './referral';

const NOW = new Date('2026-11-28T10:00:00Z');
const TODAY = '2026-11-28';
const BY = { organisationId: 'org-1', organisationKind: 'ngo' } as const;
const POLICY = { tonightWindowHours: 6 };
const DAY_MS = 24 * 3_600_000;
const inDays = (days: number) => new Date(NOW.getTime() + days * DAY_MS).toISOString();

function referral(
  person: Partial<ReferralSubmissionBody['person']>,
  extra: Partial<ReferralSubmissionBody> = {},
): Referral {
  const ruling = submitReferral(
    'ref-1',
    {
      person: { gender: 'male', givenName: 'Ilir', familyName: 'Hoxha', ...person },
      exploitationTypes: ['labour'],
      borough: 'E09000007',
      responder: { name: 'PC Officer' },
      consent: { nrm: true },
      accommodationNeed: { urgency: 'tonight' },
      ...extra,
    },
    BY,
    NOW,
    TODAY,
  );
  if (ruling.kind !== 'accepted') throw new Error(JSON.stringify(ruling));
  return ruling.change;
}

function bedRequestOf(from: Referral) {
  const ruling = bedRequestFromReferral('b-1', from, NOW, POLICY);
  if (ruling?.kind !== 'accepted') throw new Error(JSON.stringify(ruling));
  return ruling.change;
}

describe('a referral’s accommodation need as a bed request', () => {
  it('none stated: no bed request', () => {
    expect(
      bedRequestFromReferral(
        'b-1',
        referral({ ageEstimateYears: 30 }, { accommodationNeed: undefined }),
        NOW,
        POLICY,
      ),
    ).toBeUndefined();
  });

  it('an NRM adult tonight: an emergency bed now, with the names, the languages and the zones', () => {
    const request = bedRequestOf(
      referral(
        { dateOfBirth: '1990-02-03', languages: ['sq', 'it'], nationality: 'AL' },
        {
          accommodationNeed: {
            urgency: 'tonight',
            dependants: 2,
            accessNeeds: 'uses a wheelchair',
            notNearBoroughs: ['E09000007', 'E09000019'],
          },
        },
      ),
    );
    expect(request).toEqual({
      id: 'b-1',
      submittedBy: BY,
      submittedAt: NOW,
      borough: 'E09000007',
      needs: {
        gender: 'male',
        ageGroup: 'adult',
        ageYears: 36,
        accompanyingChildren: 2,
        languages: ['sq', 'it'],
        // Free text in the referral: not turned into structured needs.
        accessNeeds: [],
        supportLevel: 'emergency',
        nrmStage: 'pre_nrm',
        nrpf: false,
      },
      urgency: { kind: 'tonight', neededBy: NOW.toISOString(), matchBy: inDays(0.25) },
      exclusionZones: { boroughs: ['E09000007', 'E09000019'], around: [] },
      person: { givenName: 'Ilir', familyName: 'Hoxha', dateOfBirth: '1990-02-03' },
      referralId: 'ref-1',
    });
  });

  it.each([
    ['soon: a safe house within 3 days', 'soon', 'within_days', 'safe_house', inDays(3), inDays(3)],
    ['planned: a move-on bed in 14 days', 'planned', 'planned', 'move_on', inDays(14), inDays(13)],
  ] as const)('%s', (_case, urgency, kind, supportLevel, neededBy, matchBy) => {
    const request = bedRequestOf(
      referral({ ageEstimateYears: 30 }, { accommodationNeed: { urgency } }),
    );
    expect(request.needs.supportLevel).toBe(supportLevel);
    expect(request.urgency).toEqual({ kind, neededBy, matchBy });
  });

  it.each([
    ['a 17-year-old', { ageEstimateYears: 17 }, 'child_16_17'],
    ['a 15-year-old', { dateOfBirth: '2011-01-01' }, 'child_under_16'],
    ['a disputed age, no age given', { ageDisputed: true }, 'child_16_17'],
    ['a disputed adult age', { ageDisputed: true, ageEstimateYears: 22 }, 'child_16_17'],
    ['a disputed 14', { ageDisputed: true, ageEstimateYears: 14 }, 'child_under_16'],
    ['an adult', { ageEstimateYears: 18 }, 'adult'],
  ] as const)('%s is placed as %s', (_case, person, ageGroup) => {
    expect(bedRequestOf(referral(person)).needs.ageGroup).toBe(ageGroup);
  });

  it('a Duty to Notify record: not in the NRM, and no name at all', () => {
    const request = bedRequestOf(
      referral({ dateOfBirth: '1990-02-03' }, { consent: { nrm: false } }),
    );
    expect(request.needs.nrmStage).toBe('not_in_nrm');
    expect(request).not.toHaveProperty('person');
    expect(JSON.stringify(request)).not.toMatch(/Ilir|Hoxha|1990/);
  });

  it('at most 10 accompanying children', () => {
    const request = bedRequestOf(
      referral(
        { ageEstimateYears: 30 },
        { accommodationNeed: { urgency: 'tonight', dependants: 14 } },
      ),
    );
    expect(request.needs.accompanyingChildren).toBe(10);
  });

  it('refuses a need that rules out every borough, naming the referral’s field', () => {
    const ruling = bedRequestFromReferral(
      'b-1',
      referral(
        { ageEstimateYears: 30 },
        {
          accommodationNeed: {
            urgency: 'tonight',
            notNearBoroughs: LONDON_AUTHORITIES.map((a) => a.gss),
          },
        },
      ),
      NOW,
      POLICY,
    );
    expect(ruling).toMatchObject({
      kind: 'invalid',
      issues: [{ pointer: '/accommodationNeed/notNearBoroughs' }],
    });
  });
});
