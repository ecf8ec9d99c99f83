import { explainNoMatch, matchBeds, type MatchRequest } from './index';
import type { BedCandidate } from './bed-candidate';
import { BOROUGH, NOW, aCandidate, aRequest, hoursBefore } from './test-support/bed-candidates';

function explain(request: MatchRequest, candidates: readonly BedCandidate[]): string[] {
  return explainNoMatch(request, matchBeds(request, candidates, NOW));
}

describe('explainNoMatch', () => {
  it('says when London has no bed for the person’s gender at all', () => {
    const womenOnly = [
      aCandidate({ genderServed: 'female' }),
      aCandidate({ genderServed: 'female' }),
    ];
    expect(explain(aRequest({ gender: 'male' }), womenOnly)).toEqual([
      "no men's or mixed beds in London",
    ]);
    expect(explain(aRequest({ gender: 'female' }), [aCandidate({ genderServed: 'male' })])).toEqual(
      ["no women's or mixed beds in London"],
    );
    expect(explain(aRequest({ gender: 'non_binary' }), womenOnly)[0]).toMatch(
      /^no mixed beds in London/,
    );
  });

  it('counts the properties that fail one need only, each with what stands in the way', () => {
    const request = aRequest(
      { gender: 'male', nrpf: true },
      { around: [{ postcode: 'E8 1DY', borough: BOROUGH.hackney, radiusKm: 5 }] },
    );
    const candidates = [
      // Inside the zone (Islington is under 5 km from Hackney), otherwise fine.
      aCandidate({ genderServed: 'male', borough: BOROUGH.islington }),
      aCandidate({ genderServed: 'any', borough: BOROUGH.hackney }),
      // Takes men, but not NRPF.
      aCandidate({ genderServed: 'male', borough: BOROUGH.havering, nrpfAccepted: false }),
      // Full.
      aCandidate({ genderServed: 'male', borough: BOROUGH.croydon, freeBeds: 0 }),
      aCandidate({ genderServed: 'any', borough: BOROUGH.bromley, freeBeds: 0 }),
      aCandidate({ genderServed: 'male', borough: BOROUGH.enfield, freeBeds: 0 }),
      // Fails several needs (the City of London is 4.2 km from Hackney).
      aCandidate({
        genderServed: 'male',
        borough: 'E09000001',
        freeBeds: 0,
        nrpfAccepted: false,
      }),
      // Women only: never counted as a near miss for a man.
      aCandidate({ genderServed: 'female', borough: BOROUGH.havering }),
    ];

    expect(explain(request, candidates)).toEqual([
      'none of the 8 properties in the directory matched; 7 take men',
      'no free bed at 3 matching properties',
      "2 properties with a free men's bed are inside the exclusion zone",
      '1 property takes men but not NRPF',
      '1 other property taking men fails more than one need: 1 with no free bed, 1 not taking NRPF, 1 inside the exclusion zone',
      // Hackney itself, then Islington (2.9 km), the City (4.2 km) and Tower Hamlets (4.5 km).
      'the exclusion zones cover 4 of the 33 London boroughs',
    ]);
  });

  it('names the need for each kind of near miss', () => {
    const request = aRequest({
      gender: 'female',
      ageGroup: 'child_16_17',
      accompanyingChildren: 1,
      accessNeeds: ['wheelchair'],
      supportLevel: 'safe_house',
      nrmStage: 'recovery_period',
    });
    const fits: Partial<BedCandidate> = {
      genderServed: 'female',
      ages: ['child_16_17', 'family'],
      childrenAccepted: 2,
      accessibility: ['wheelchair'],
      supportLevel: 'safe_house',
    };
    const lines = explain(request, [
      aCandidate({ ...fits, ages: ['family'] }),
      aCandidate({ ...fits, childrenAccepted: 0 }),
      aCandidate({ ...fits, accessibility: [] }),
      aCandidate({ ...fits, supportLevel: 'emergency' }),
      aCandidate({ ...fits, nrmStages: ['pre_nrm'] }),
    ]);
    expect(lines).toEqual(
      expect.arrayContaining([
        '1 property takes women but not 16–17-year-olds',
        '1 property takes women but not 1 accompanying child',
        '1 property takes women but has no wheelchair access',
        '1 property takes women but does not offer a safe house',
        '1 property takes women but not people in the NRM recovery period',
      ]),
    );
  });

  it('refers a child under 16 to the local authority', () => {
    const lines = explain(aRequest({ ageGroup: 'child_under_16' }), [aCandidate()]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('local authority');
  });

  it('says when the directory is empty', () => {
    expect(explain(aRequest(), [])).toEqual(['no properties are registered in the directory']);
  });

  it('after every provider asked declined or let the hold expire, says what matched and what came close', () => {
    const request = aRequest({ gender: 'male' });
    const lines = explain(request, [
      aCandidate({
        providerOrganisationId: 'p-1',
        history: { offers: 4, accepted: 0, declined: 1, expired: 3 },
      }),
      aCandidate({ providerOrganisationId: 'p-1', availabilityConfirmedAt: hoursBefore(40) }),
      aCandidate({ providerOrganisationId: 'p-2' }),
      aCandidate({ freeBeds: 0 }),
    ]);
    expect(lines).toEqual([
      '3 properties at 2 providers matched every need',
      '1 of them had availability that was not recently confirmed',
      '1 matching provider lets at least half of its offers expire unanswered',
      'no free bed at 1 matching property',
    ]);
  });

  it('counts the matching providers that often let offers expire, once each', () => {
    const slow = { offers: 6, accepted: 1, declined: 0, expired: 5 };
    const lines = explain(aRequest(), [
      aCandidate({ providerOrganisationId: 'p-1', history: slow }),
      aCandidate({ providerOrganisationId: 'p-1', history: slow }),
      aCandidate({ providerOrganisationId: 'p-2', history: slow }),
      aCandidate({ providerOrganisationId: 'p-3', history: { ...slow, expired: 2 } }),
    ]);
    expect(lines).toContain(
      '2 matching providers let at least half of their offers expire unanswered',
    );
  });

  it('always gives between 1 and 20 lines of at most 300 characters (the unmatched event’s limits)', () => {
    const zones = { around: [{ postcode: 'E8 1DY', borough: BOROUGH.hackney, radiusKm: 50 }] };
    const crowd = Array.from({ length: 200 }, (_, index) =>
      aCandidate({
        genderServed: (['male', 'female', 'any'] as const)[index % 3],
        freeBeds: index % 2,
        nrpfAccepted: index % 5 !== 0,
        accessibility: index % 7 === 0 ? [] : ['wheelchair', 'step_free'],
        supportLevel: (['emergency', 'safe_house', 'move_on', 'dispersed'] as const)[index % 4],
        nrmStages: index % 11 === 0 ? ['not_in_nrm'] : ['pre_nrm'],
        ages: index % 13 === 0 ? ['child_16_17'] : ['adult', 'family'],
      }),
    );
    for (const gender of ['male', 'female', 'non_binary', 'unknown'] as const) {
      const lines = explain(
        aRequest(
          { gender, nrpf: true, accessNeeds: ['wheelchair', 'step_free'], accompanyingChildren: 3 },
          zones,
        ),
        crowd,
      );
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(20);
      for (const line of lines) {
        expect(line.length).toBeGreaterThan(0);
        expect(line.length).toBeLessThanOrEqual(300);
      }
    }
  });

  it('never names a property or where the zone is', () => {
    const request = aRequest({}, { boroughs: [BOROUGH.camden] });
    const lines = explain(request, [aCandidate({ label: 'Rose House', borough: BOROUGH.camden })]);
    expect(lines.join(' ')).not.toMatch(/Rose House|E09000007|Camden/);
  });
});
