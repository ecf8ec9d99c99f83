import type { BedOfferExpired, BedOffered, BedRequestUnmatched } from '@harbour/contracts';
import { AccommodationHarness, CAMDEN } from '../test-support/accommodation-harness';

jest.setTimeout(120_000);

describe('accommodation: holds lapse on their own (the poller, a 3-second hold)', () => {
  let h: AccommodationHarness;

  beforeAll(async () => {
    h = await AccommodationHarness.start('acc_expiry', {
      ACCOMMODATION_HOLD_MINUTES_PLANNED: '0.05',
      ACCOMMODATION_OFFER_FANOUT: '1',
      ACCOMMODATION_TIMER_POLL_MS: '200',
    });
  });

  afterAll(async () => {
    await h.close();
  });

  it('an unanswered offer expires, the next provider is asked, and when nobody answers the request is unmatched', async () => {
    const requester = await h.organisation('police_borough', ['submit'], [CAMDEN]);
    const first = await h.organisation('housing_provider');
    const second = await h.organisation('housing_provider');
    await h.register(first);
    await h.register(second);
    const request = h.bedRequest(requester);
    await h.publish('harbour.bed-request.submitted', request);

    const [offered] = await h.events('harbour.bed.offered', request.requestId);
    const firstOffer = offered!.data as BedOffered;
    expect(Date.parse(firstOffer.holdExpiresAt) - Date.parse(firstOffer.offeredAt)).toBe(3_000);

    const offers = (await h.events('harbour.bed.offered', request.requestId, 2)).map(
      (e) => e.data as BedOffered,
    );
    expect(new Set(offers.map((o) => o.providerOrganisationId))).toEqual(
      new Set([first.organisationId, second.organisationId]),
    );
    const [unmatched] = await h.events('harbour.bed-request.unmatched', request.requestId);
    expect(unmatched!.data).toMatchObject({
      reason: 'all_offers_expired',
      offersMade: 2,
    } satisfies Partial<BedRequestUnmatched>);
    const expired = (await h.events('harbour.bed.offer-expired', request.requestId, 2)).map(
      (e) => e.data as BedOfferExpired,
    );
    expect(expired.map((e) => [e.offerId, e.reason])).toEqual(
      offers.map((o) => [o.offerId, 'hold_expired']),
    );
    // Each offer was expired once; the request ended once.
    const rows = await h.db.query<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM "${h.schema}".offer WHERE request_id = $1 GROUP BY state`,
      [request.requestId],
    );
    expect(rows.rows).toEqual([{ state: 'expired', n: 2 }]);
    expect(await h.requestState(request.requestId)).toBe('unmatched');
  });
});
