import { exhaustedReason, nextOffers, unmatchedExplanation } from './offer-round';

const bed = (providerOrganisationId: string, propertyId: string) => ({
  candidate: { providerOrganisationId, propertyId },
});

describe('offer rounds', () => {
  const ranked = [bed('a', 'a1'), bed('a', 'a2'), bed('b', 'b1'), bed('c', 'c1'), bed('d', 'd1')];

  it('the best property of each provider not yet asked, up to the fan-out', () => {
    expect(nextOffers(ranked, new Set(), 0, 3).map((b) => b.candidate.propertyId)).toEqual([
      'a1',
      'b1',
      'c1',
    ]);
  });

  it('tops up after one offer ended, skipping providers already asked', () => {
    expect(
      nextOffers(ranked, new Set(['a', 'b', 'c']), 2, 3).map((b) => b.candidate.propertyId),
    ).toEqual(['d1']);
    expect(nextOffers(ranked, new Set(['a', 'b', 'c', 'd']), 0, 3)).toEqual([]);
    expect(nextOffers(ranked, new Set(), 3, 3)).toEqual([]);
  });

  it('why a request ran out of providers', () => {
    expect(exhaustedReason([])).toBe('no_matching_vacancy');
    expect(exhaustedReason([{ state: 'declined' }, { state: 'declined' }])).toBe(
      'all_offers_declined',
    );
    expect(exhaustedReason([{ state: 'declined' }, { state: 'expired' }])).toBe(
      'all_offers_expired',
    );
  });

  it('an explanation within the contract: never empty, at most 20 lines of 300 characters', () => {
    expect(unmatchedExplanation('no_matching_vacancy', 0, [])).toEqual([
      'No property with a free bed matches this request',
    ]);
    const lines = unmatchedExplanation('all_offers_expired', 3, [
      'x'.repeat(400),
      ...Array.from({ length: 30 }, (_, i) => `line ${i}`),
    ]);
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('No provider accepted in time (3 offers)');
    expect(lines[1]).toHaveLength(300);
  });
});
