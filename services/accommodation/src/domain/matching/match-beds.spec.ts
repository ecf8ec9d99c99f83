import type { BedNeeds, SupportLevel } from '@harbour/contracts';
import { distanceKm } from '@harbour/london';
import type { BedCandidate, GenderServed } from './bed-candidate';
import { matchBeds, type MatchOutcome, type MatchRequest } from './index';
import { BOROUGH, NOW, aCandidate, aRequest, hoursBefore } from './test-support/bed-candidates';

function only(outcome: MatchOutcome): { ranked: boolean; reasons: string[] } {
  const [ranked] = outcome.ranked;
  if (ranked !== undefined) return { ranked: true, reasons: ranked.reasons };
  const [excluded] = outcome.excluded;
  if (excluded === undefined) throw new Error('no outcome for the candidate');
  return { ranked: false, reasons: excluded.reasons };
}

function matchOne(
  request: MatchRequest,
  candidate: BedCandidate,
): { ranked: boolean; reasons: string[] } {
  return only(matchBeds(request, [candidate], NOW));
}

function rankedIds(outcome: MatchOutcome): string[] {
  return outcome.ranked.map(({ candidate }) => candidate.propertyId);
}

describe('matchBeds: hard constraints', () => {
  it('excludes a property with no free bed', () => {
    expect(matchOne(aRequest(), aCandidate({ freeBeds: 0 }))).toEqual({
      ranked: false,
      reasons: ['no free bed'],
    });
    expect(matchOne(aRequest(), aCandidate({ freeBeds: 1 })).ranked).toBe(true);
  });

  describe('gender', () => {
    it.each<[BedNeeds['gender'], GenderServed, string | null]>([
      ['female', 'female', null],
      ['female', 'any', null],
      ['female', 'male', 'men-only property'],
      ['male', 'male', null],
      ['male', 'any', null],
      ['male', 'female', 'women-only property'],
      ['non_binary', 'any', null],
      ['non_binary', 'female', 'women-only property'],
      ['non_binary', 'male', 'men-only property'],
      ['unknown', 'any', null],
      ['unknown', 'female', 'women-only property'],
      ['unknown', 'male', 'men-only property'],
    ])('a %s person and a property serving %s: %s', (gender, genderServed, reason) => {
      const result = matchOne(aRequest({ gender }), aCandidate({ genderServed }));
      expect(result).toEqual(
        reason === null
          ? { ranked: true, reasons: expect.any(Array) as unknown }
          : { ranked: false, reasons: [reason] },
      );
    });

    it('never ranks a women-only property for a man, whatever else the property offers', () => {
      const womenOnly = Array.from({ length: 50 }, (_, index) =>
        aCandidate({
          genderServed: 'female',
          freeBeds: 1 + (index % 5),
          ages: ['adult', 'family', 'child_16_17'],
          childrenAccepted: 10,
          accessibility: ['wheelchair', 'step_free'],
          languages: ['sq', 'ro', 'vi'],
          supportLevel: (['emergency', 'safe_house', 'move_on', 'dispersed'] as const)[index % 4],
          borough: index % 2 === 0 ? BOROUGH.havering : BOROUGH.bromley,
          history: { offers: 20, accepted: 20, declined: 0, expired: 0 },
        }),
      );
      for (const supportLevel of ['emergency', 'safe_house', 'move_on', 'dispersed'] as const) {
        const outcome = matchBeds(
          aRequest({ gender: 'male', supportLevel, languages: ['sq'], accompanyingChildren: 1 }),
          womenOnly,
          NOW,
        );
        expect(outcome.ranked).toEqual([]);
        expect(outcome.excluded).toHaveLength(50);
        for (const { reasons } of outcome.excluded)
          expect(reasons).toContain('women-only property');
      }
    });
  });

  describe('age', () => {
    it('places an adult in an adult property, or a family property when children come along', () => {
      expect(
        matchOne(aRequest({ ageGroup: 'adult' }), aCandidate({ ages: ['adult'] })).ranked,
      ).toBe(true);
      expect(
        matchOne(
          aRequest({ ageGroup: 'adult' }),
          aCandidate({ ages: ['family'], childrenAccepted: 3 }),
        ),
      ).toEqual({
        ranked: false,
        reasons: ['takes adults only with accompanying children'],
      });
      expect(
        matchOne(
          aRequest({ ageGroup: 'adult', accompanyingChildren: 2 }),
          aCandidate({ ages: ['family'], childrenAccepted: 3 }),
        ).ranked,
      ).toBe(true);
      expect(
        matchOne(aRequest({ ageGroup: 'adult' }), aCandidate({ ages: ['child_16_17'] })),
      ).toEqual({
        ranked: false,
        reasons: ['does not take adults'],
      });
    });

    it('places a 16–17-year-old only where 16–17-year-olds are taken', () => {
      expect(
        matchOne(aRequest({ ageGroup: 'child_16_17' }), aCandidate({ ages: ['child_16_17'] }))
          .ranked,
      ).toBe(true);
      expect(
        matchOne(aRequest({ ageGroup: 'child_16_17' }), aCandidate({ ages: ['adult', 'family'] })),
      ).toEqual({
        ranked: false,
        reasons: ['does not take 16–17-year-olds'],
      });
    });

    it('never places a child under 16, even in a property that takes every age', () => {
      const result = matchOne(
        aRequest({ ageGroup: 'child_under_16', ageYears: 14 }),
        aCandidate({ ages: ['adult', 'child_16_17', 'family'], childrenAccepted: 10 }),
      );
      expect(result).toEqual({ ranked: false, reasons: ['under 16: a local authority placement'] });
    });
  });

  describe('accompanying children', () => {
    it('needs a family property that takes at least as many children', () => {
      const request = aRequest({ accompanyingChildren: 2 });
      expect(
        matchOne(request, aCandidate({ ages: ['adult', 'family'], childrenAccepted: 2 })).ranked,
      ).toBe(true);
      expect(
        matchOne(request, aCandidate({ ages: ['adult', 'family'], childrenAccepted: 1 })),
      ).toEqual({
        ranked: false,
        reasons: ['takes at most 1 accompanying child, 2 needed'],
      });
      expect(matchOne(request, aCandidate({ ages: ['adult'], childrenAccepted: 4 }))).toEqual({
        ranked: false,
        reasons: ['does not take families with children'],
      });
    });
  });

  it('needs every access need met', () => {
    const request = aRequest({ accessNeeds: ['wheelchair', 'step_free'] });
    expect(
      matchOne(request, aCandidate({ accessibility: ['step_free', 'wheelchair'] })).ranked,
    ).toBe(true);
    expect(matchOne(request, aCandidate({ accessibility: ['step_free'] }))).toEqual({
      ranked: false,
      reasons: ['no wheelchair access'],
    });
    expect(matchOne(request, aCandidate({ accessibility: [] }))).toEqual({
      ranked: false,
      reasons: ['no wheelchair access, no step-free access'],
    });
  });

  it.each<[SupportLevel, SupportLevel[]]>([
    ['emergency', ['emergency', 'safe_house']],
    ['safe_house', ['safe_house']],
    ['move_on', ['move_on', 'dispersed']],
    ['dispersed', ['dispersed', 'move_on']],
  ])('a need for %s is met by %j only', (needed, acceptable) => {
    for (const offered of ['emergency', 'safe_house', 'move_on', 'dispersed'] as const) {
      const result = matchOne(
        aRequest({ supportLevel: needed }),
        aCandidate({ supportLevel: offered }),
      );
      expect([offered, result.ranked]).toEqual([offered, acceptable.includes(offered)]);
    }
  });

  it('names the support levels when they do not fit', () => {
    expect(
      matchOne(aRequest({ supportLevel: 'safe_house' }), aCandidate({ supportLevel: 'emergency' })),
    ).toEqual({
      ranked: false,
      reasons: ['offers an emergency bed, not a safe house'],
    });
  });

  it('needs the NRM stage taken and NRPF accepted when the person has no recourse to public funds', () => {
    expect(
      matchOne(
        aRequest({ nrmStage: 'post_cg_move_on' }),
        aCandidate({ nrmStages: ['pre_nrm', 'recovery_period'] }),
      ),
    ).toEqual({
      ranked: false,
      reasons: ['does not take people on move-on after a positive Conclusive Grounds decision'],
    });
    expect(matchOne(aRequest({ nrpf: true }), aCandidate({ nrpfAccepted: false }))).toEqual({
      ranked: false,
      reasons: ['does not take people with no recourse to public funds (NRPF)'],
    });
    expect(matchOne(aRequest({ nrpf: false }), aCandidate({ nrpfAccepted: false })).ranked).toBe(
      true,
    );
  });

  describe('exclusion zones', () => {
    it('excludes a property in a borough to avoid', () => {
      const request = aRequest({}, { boroughs: [BOROUGH.hackney, BOROUGH.camden] });
      expect(matchOne(request, aCandidate({ borough: BOROUGH.camden }))).toEqual({
        ranked: false,
        reasons: ['inside the exclusion zone: in a borough to avoid'],
      });
      expect(matchOne(request, aCandidate({ borough: BOROUGH.havering })).ranked).toBe(true);
    });

    it('excludes a property whose borough centroid is inside a circle, or in the circle’s own borough', () => {
      const camdenToIslington = distanceKm(BOROUGH.camden, BOROUGH.islington);
      expect(camdenToIslington).toBeGreaterThan(3);
      expect(camdenToIslington).toBeLessThan(4);
      const around = (radiusKm: number): MatchRequest =>
        aRequest({}, { around: [{ postcode: 'N1 9GU', borough: BOROUGH.islington, radiusKm }] });

      expect(matchOne(around(4), aCandidate({ borough: BOROUGH.camden }))).toEqual({
        ranked: false,
        reasons: ['inside the exclusion zone: 3.5 km from a borough to avoid (radius 4 km)'],
      });
      expect(matchOne(around(0.5), aCandidate({ borough: BOROUGH.islington }))).toEqual({
        ranked: false,
        reasons: ['inside the exclusion zone: in the borough of a postcode to avoid'],
      });
      const outside = matchBeds(around(3), [aCandidate({ borough: BOROUGH.camden })], NOW)
        .ranked[0];
      expect(outside?.nearestExclusionKm).toBeCloseTo(camdenToIslington, 6);
      expect(outside?.reasons).toContain('3.5 km from the nearest exclusion zone');
    });

    it('fails closed when a zone names a borough outside London', () => {
      const request = aRequest(
        {},
        { around: [{ postcode: 'M1 1AE', borough: 'E08000003', radiusKm: 1 }] },
      );
      const result = matchOne(request, aCandidate({ borough: BOROUGH.havering }));
      expect(result.ranked).toBe(false);
      expect(result.reasons[0]).toContain('not a London borough');
    });

    it('excludes a property in a borough outside London once there is any zone to check', () => {
      const candidate = aCandidate({ borough: 'E06000001' });
      expect(matchOne(aRequest(), candidate).ranked).toBe(true);
      expect(matchOne(aRequest({}, { boroughs: [BOROUGH.hackney] }), candidate)).toEqual({
        ranked: false,
        reasons: ['borough not in London: the exclusion zone cannot be checked'],
      });
    });
  });

  it('lists every constraint a property fails', () => {
    const result = matchOne(
      aRequest(
        { gender: 'male', nrpf: true, accessNeeds: ['wheelchair'], supportLevel: 'safe_house' },
        { boroughs: [BOROUGH.camden] },
      ),
      aCandidate({
        freeBeds: 0,
        genderServed: 'female',
        nrpfAccepted: false,
        supportLevel: 'move_on',
        borough: BOROUGH.camden,
      }),
    );
    expect(result).toEqual({
      ranked: false,
      reasons: [
        'no free bed',
        'women-only property',
        'no wheelchair access',
        'offers move-on accommodation, not a safe house',
        'does not take people with no recourse to public funds (NRPF)',
        'inside the exclusion zone: in a borough to avoid',
      ],
    });
  });
});

describe('matchBeds: ranking', () => {
  it('ranks properties further from the exclusion zone first, up to 25 km', () => {
    const request = aRequest({}, { boroughs: [BOROUGH.hackney] });
    const near = aCandidate({ propertyId: 'near', borough: BOROUGH.islington });
    const middle = aCandidate({ propertyId: 'middle', borough: BOROUGH.croydon });
    const outcome = matchBeds(request, [near, middle], NOW);
    expect(rankedIds(outcome)).toEqual(['middle', 'near']);
    expect(outcome.ranked.map(({ rank }) => rank)).toEqual([1, 2]);
    expect(outcome.ranked[0]!.nearestExclusionKm).toBeGreaterThan(
      outcome.ranked[1]!.nearestExclusionKm!,
    );

    // Hillingdon and Havering are both over 25 km from Bromley: distance no longer separates
    // them, so the provider id breaks the tie.
    const zone = aRequest({}, { boroughs: [BOROUGH.bromley] });
    const west = aCandidate({
      propertyId: 'west',
      providerOrganisationId: 'b-provider',
      borough: BOROUGH.hillingdon,
    });
    const east = aCandidate({
      propertyId: 'east',
      providerOrganisationId: 'a-provider',
      borough: BOROUGH.enfield,
    });
    expect(distanceKm(BOROUGH.hillingdon, BOROUGH.bromley)).toBeGreaterThan(25);
    expect(distanceKm(BOROUGH.enfield, BOROUGH.bromley)).toBeGreaterThan(25);
    const capped = matchBeds(zone, [west, east], NOW);
    expect(capped.ranked[0]!.score).toBe(capped.ranked[1]!.score);
    expect(rankedIds(capped)).toEqual(['east', 'west']);
  });

  it('prefers staff who speak one of the person’s languages', () => {
    const request = aRequest({ languages: ['sq', 'it'] });
    const speaks = aCandidate({
      propertyId: 'speaks',
      providerOrganisationId: 'z',
      languages: ['en', 'it', 'sq'],
    });
    const silent = aCandidate({
      propertyId: 'silent',
      providerOrganisationId: 'a',
      languages: ['en', 'ro'],
    });
    const outcome = matchBeds(request, [silent, speaks], NOW);
    expect(rankedIds(outcome)).toEqual(['speaks', 'silent']);
    expect(outcome.ranked[0]!.reasons).toContain('speaks sq, it');
    expect(outcome.ranked[1]!.reasons).toContain('speaks none of sq, it');
  });

  it('marks availability confirmed longer ago than the setting as stale and ranks it after every fresh bed', () => {
    const stale = aCandidate({
      propertyId: 'stale',
      availabilityConfirmedAt: hoursBefore(30),
      languages: ['sq'],
      borough: BOROUGH.havering,
      history: { offers: 10, accepted: 10, declined: 0, expired: 0 },
    });
    const fresh = aCandidate({
      propertyId: 'fresh',
      availabilityConfirmedAt: hoursBefore(2),
      borough: BOROUGH.islington,
      history: { offers: 10, accepted: 0, declined: 0, expired: 10 },
    });
    const request = aRequest({ languages: ['sq'] }, { boroughs: [BOROUGH.camden] });

    const outcome = matchBeds(request, [stale, fresh], NOW);
    expect(rankedIds(outcome)).toEqual(['fresh', 'stale']);
    expect(outcome.ranked.map((bed) => bed.stale)).toEqual([false, true]);
    expect(outcome.ranked[0]!.reasons).toContain('availability confirmed 2 h ago');
    expect(outcome.ranked[1]!.reasons).toContain(
      'availability last confirmed 30 h ago: stale, ranked after confirmed beds',
    );

    const lenient = matchBeds(request, [stale, fresh], NOW, { staleAfterHours: 48 });
    expect(lenient.ranked.every((bed) => !bed.stale)).toBe(true);
    expect(rankedIds(lenient)).toEqual(['stale', 'fresh']);
  });

  it('prefers more recently confirmed availability when all else is equal', () => {
    const older = aCandidate({
      propertyId: 'older',
      providerOrganisationId: 'a',
      availabilityConfirmedAt: hoursBefore(20),
    });
    const newer = aCandidate({
      propertyId: 'newer',
      providerOrganisationId: 'b',
      availabilityConfirmedAt: new Date(NOW.getTime() - 35 * 60_000),
    });
    const outcome = matchBeds(aRequest(), [older, newer], NOW);
    expect(rankedIds(outcome)).toEqual(['newer', 'older']);
    expect(outcome.ranked[0]!.reasons).toContain('availability confirmed 35 min ago');
  });

  it('weighs provider history with a neutral prior, and expiries against the provider', () => {
    const reliable = aCandidate({
      propertyId: 'reliable',
      providerOrganisationId: 'e',
      history: { offers: 5, accepted: 4, declined: 1, expired: 0 },
    });
    const newcomer = aCandidate({
      propertyId: 'newcomer',
      providerOrganisationId: 'd',
      history: { offers: 0, accepted: 0, declined: 0, expired: 0 },
    });
    const oneDecline = aCandidate({
      propertyId: 'one-decline',
      providerOrganisationId: 'c',
      history: { offers: 1, accepted: 0, declined: 1, expired: 0 },
    });
    const decliner = aCandidate({
      propertyId: 'decliner',
      providerOrganisationId: 'b',
      history: { offers: 10, accepted: 0, declined: 10, expired: 0 },
    });
    const silent = aCandidate({
      propertyId: 'silent',
      providerOrganisationId: 'a',
      history: { offers: 10, accepted: 0, declined: 0, expired: 10 },
    });

    const outcome = matchBeds(aRequest(), [silent, decliner, oneDecline, newcomer, reliable], NOW);

    expect(rankedIds(outcome)).toEqual([
      'reliable',
      'newcomer',
      'one-decline',
      'decliner',
      'silent',
    ]);
    const reasons = Object.fromEntries(
      outcome.ranked.map((bed) => [bed.candidate.propertyId, bed.reasons]),
    );
    expect(reasons['reliable']).toContain('accepted 4 of 5 offers');
    expect(reasons['newcomer']).toContain('no offers made to this provider yet');
    expect(reasons['silent']).toContain('accepted 0 of 10 offers, 10 left to expire unanswered');
  });

  it('explains a ranked bed in plain words', () => {
    const outcome = matchBeds(
      aRequest({ languages: ['sq'] }, { boroughs: [BOROUGH.hackney] }),
      [
        aCandidate({
          freeBeds: 2,
          borough: BOROUGH.havering,
          languages: ['sq'],
          history: { offers: 5, accepted: 4, declined: 1, expired: 0 },
        }),
      ],
      NOW,
    );
    expect(outcome.ranked[0]!.reasons).toEqual([
      '2 free beds',
      `${distanceKm(BOROUGH.havering, BOROUGH.hackney).toFixed(1)} km from the nearest exclusion zone`,
      'speaks sq',
      'availability confirmed 1 h ago',
      'accepted 4 of 5 offers',
    ]);
    expect(outcome.ranked[0]!.score).toBeGreaterThan(50);
    expect(outcome.ranked[0]!.score).toBeLessThanOrEqual(100);
  });

  it('gives the same ranking for the same input in any order, ties by provider then property', () => {
    const twins = ['p-3', 'p-1', 'p-2'].map((propertyId) =>
      aCandidate({
        propertyId,
        providerOrganisationId: 'same-provider',
        borough: BOROUGH.havering,
      }),
    );
    const others = Array.from({ length: 30 }, (_, index) =>
      aCandidate({
        borough: [BOROUGH.havering, BOROUGH.croydon, BOROUGH.islington][index % 3]!,
        languages: index % 2 === 0 ? ['sq'] : [],
        availabilityConfirmedAt: hoursBefore(index),
        freeBeds: index % 4,
      }),
    );
    const candidates = [...others, ...twins];
    const request = aRequest({ languages: ['sq'] }, { boroughs: [BOROUGH.camden] });

    const first = matchBeds(request, candidates, NOW);
    const again = matchBeds(request, [...candidates].reverse(), NOW);

    expect(rankedIds(again)).toEqual(rankedIds(first));
    expect(again.excluded.map(({ candidate }) => candidate.propertyId)).toEqual(
      first.excluded.map(({ candidate }) => candidate.propertyId).reverse(),
    );
    const twinRanks = first.ranked.filter(
      ({ candidate }) => candidate.providerOrganisationId === 'same-provider',
    );
    expect(twinRanks.map(({ candidate }) => candidate.propertyId)).toEqual(['p-1', 'p-2', 'p-3']);
    expect(first.ranked.map(({ rank }) => rank)).toEqual(first.ranked.map((_, index) => index + 1));
    for (let index = 1; index < first.ranked.length; index++) {
      expect(first.ranked[index - 1]!.score).toBeGreaterThanOrEqual(first.ranked[index]!.score);
    }
    expect(first.ranked.length + first.excluded.length).toBe(candidates.length);
  });

  it('refuses a stale setting that is not a positive number', () => {
    expect(() => matchBeds(aRequest(), [], NOW, { staleAfterHours: 0 })).toThrow(RangeError);
    expect(() => matchBeds(aRequest(), [], NOW, { staleAfterHours: Number.NaN })).toThrow(
      RangeError,
    );
  });
});
