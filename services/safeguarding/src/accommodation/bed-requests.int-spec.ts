import { randomUUID } from 'node:crypto';
import type {
  AlertCancelled,
  AlertRequested,
  BedNeeds,
  BedOffered,
  BedOfferExpired,
  BedRequestUnmatched,
  BedUrgency,
  EventType,
  OrganisationRef,
  PlacementConfirmed,
} from '@harbour/contracts';
import { createEvent, type HarbourEvent } from '@harbour/messaging';
import { expectEventually } from '@harbour/testing';
import {
  ofType,
  type SafeguardingHarness,
  startSafeguardingHarness,
} from '../test-support/safeguarding-harness';

jest.setTimeout(120_000);

const ACCOMMODATION = '/harbour/accommodation';
const PUBLIC_URL = 'https://accommodation.test.example';
const CROYDON = 'E09000008';
/** A man in his thirties who speaks Albanian, needing an emergency bed before NRM entry. */
const NEEDS: BedNeeds = {
  gender: 'male',
  ageGroup: 'adult',
  ageYears: 34,
  accompanyingChildren: 0,
  languages: ['sq'],
  accessNeeds: [],
  supportLevel: 'emergency',
  nrmStage: 'pre_nrm',
  nrpf: true,
};

const requested = (events: HarbourEvent[]) =>
  ofType(events, 'harbour.alert.requested').map((e) => e.data as AlertRequested);
const cancelled = (events: HarbourEvent[]) =>
  ofType(events, 'harbour.alert.cancelled').map((e) => e.data as AlertCancelled);
const line = (alert: AlertRequested, label: string) =>
  alert.summary.lines.find((l) => l.label === label)?.value;

function tonight(): BedUrgency {
  const now = Date.now();
  return {
    kind: 'tonight',
    neededBy: new Date(now + 4 * 3_600_000).toISOString(),
    matchBy: new Date(now + 3 * 3_600_000).toISOString(),
  };
}

/** One bed request's story as accommodation tells it, all keyed by the request id. */
function story(requestedBy: OrganisationRef = police()) {
  const requestId = randomUUID();
  const urgency = tonight();
  return {
    requestId,
    requestedBy,
    urgency,
    offer(providerOrganisationId: string, overrides: Partial<BedOffered> = {}): BedOffered {
      return {
        requestId,
        offerId: randomUUID(),
        providerOrganisationId,
        propertyId: randomUUID(),
        requestedBy,
        offeredAt: new Date().toISOString(),
        holdExpiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
        needs: NEEDS,
        urgency,
        propertyLabel: 'Men’s house, CR0',
        rank: 1,
        explanation: ['men-only emergency bed free tonight', 'outside every exclusion zone'],
        ...overrides,
      };
    },
    expired(offer: BedOffered, reason: BedOfferExpired['reason']): BedOfferExpired {
      return {
        requestId,
        offerId: offer.offerId,
        providerOrganisationId: offer.providerOrganisationId,
        expiredAt: new Date().toISOString(),
        reason,
      };
    },
    placement(offer: BedOffered): PlacementConfirmed {
      return {
        requestId,
        placementId: randomUUID(),
        offerId: offer.offerId,
        providerOrganisationId: offer.providerOrganisationId,
        propertyId: offer.propertyId,
        requestedBy,
        borough: CROYDON,
        confirmedAt: new Date().toISOString(),
      };
    },
    unmatched(overrides: Partial<BedRequestUnmatched> = {}): BedRequestUnmatched {
      return {
        requestId,
        requestedBy,
        unmatchedAt: new Date().toISOString(),
        reason: 'all_offers_declined',
        offersMade: 2,
        needs: NEEDS,
        urgency,
        explanation: [
          'no male emergency beds outside the exclusion zone',
          'two providers declined',
        ],
        ...overrides,
      };
    },
  };
}

function police(): OrganisationRef {
  return { organisationId: randomUUID(), organisationKind: 'police_borough' };
}

describe('safeguarding: bed requests from the placement topic', () => {
  let h: SafeguardingHarness;

  beforeAll(async () => {
    h = await startSafeguardingHarness('sg_bed', { ACCOMMODATION_PUBLIC_URL: PUBLIC_URL });
  });

  afterAll(async () => {
    await h.close();
  });

  const publish = <T>(type: EventType, data: T, requestId: string) =>
    h.publishFrom(ACCOMMODATION, type, data, requestId);

  /** Alert events this instance wrote for the request (its outbox, committed with each decision). */
  const alertEventsWritten = async (requestId: string) => {
    const { rows } = await h.db.query<{ type: string; n: string }>(
      `SELECT type, count(*) AS n FROM "${h.schema}".outbox
        WHERE key IN (SELECT alert_id::text FROM "${h.schema}".alert_decision WHERE cause_id = $1)
        GROUP BY type`,
      [requestId],
    );
    const count = (type: string) => Number(rows.find((r) => r.type === type)?.n ?? 0);
    return {
      requested: count('harbour.alert.requested'),
      cancelled: count('harbour.alert.cancelled'),
    };
  };

  /** The request alerts once `count` are requested and `cancelledCount` cancelled. */
  const alertsOf = (
    requestId: string,
    count: number,
    cancelledCount: number,
    description: string,
  ) =>
    h.waitForAlertEvents(
      requestId,
      (events) =>
        requested(events).length >= count && cancelled(events).length >= cancelledCount
          ? { requested: requested(events), cancelled: cancelled(events) }
          : undefined,
      description,
    );

  it('an offer reaches the one provider holding the bed, by name, until its hold expires', async () => {
    const s = story();
    const provider = randomUUID();
    const offer = s.offer(provider);
    await publish('harbour.bed.offered', offer, s.requestId);

    const {
      requested: [alert],
    } = await alertsOf(s.requestId, 1, 0, 'the offer alert');
    expect(alert).toMatchObject({
      cause: {
        kind: 'bed_request',
        id: s.requestId,
        ownerOrganisationId: s.requestedBy.organisationId,
      },
      severity: 'critical',
      disclosure: { level: 'notice' },
      summary: { title: 'Bed needed tonight — man, 30s, Albanian speaker' },
      escalationPolicy: {
        repeat: 0,
        levels: [{ roles: ['coordinator'], boroughs: ['pan_london'] }],
      },
    });
    expect(alert!.audience).toEqual({
      roles: ['housing_provider'],
      boroughs: ['pan_london'],
      organisations: [provider],
      namedOnly: true,
    });
    // The hold is 30 minutes away: the provider has (just under) that long.
    expect(alert!.acknowledgeWithinMinutes).toBeGreaterThanOrEqual(28);
    expect(alert!.acknowledgeWithinMinutes).toBeLessThanOrEqual(30);
    expect(line(alert!, `Offer ${offer.offerId}`)).toBe(
      `accept or decline with POST ${PUBLIC_URL}/v1/offers/${offer.offerId}/decision (see GET /v1/offers)`,
    );
    expect(line(alert!, 'Property')).toBe('Men’s house, CR0');
    expect(alert!.summary.lines.filter((l) => l.label === 'Why this bed')).toHaveLength(2);
  });

  it('an offer that ends closes its alert with the reason, once, however often it is replayed', async () => {
    const s = story();
    const offer = s.offer(randomUUID());
    const offered = createEvent({
      type: 'harbour.bed.offered',
      source: ACCOMMODATION,
      subject: s.requestId,
      data: offer,
    });
    // The same event twice (the inbox), and the same offer in a new event (the offer's key).
    await h.send([offered, offered], s.requestId);
    await publish('harbour.bed.offered', offer, s.requestId);
    const expiry = s.expired(offer, 'declined');
    await publish('harbour.bed.offer-expired', expiry, s.requestId);
    await publish('harbour.bed.offer-expired', expiry, s.requestId);

    const { requested: alerts, cancelled: closed } = await alertsOf(
      s.requestId,
      1,
      1,
      'the offer alert and its closure',
    );
    expect(closed).toEqual([
      expect.objectContaining({ alertId: alerts[0]!.alertId, reason: 'Declined — thank you' }),
    ]);

    // Everything above came before this on the request's partition: once it is handled, so were they.
    const second = s.offer(randomUUID());
    await publish('harbour.bed.offered', second, s.requestId);
    await publish('harbour.bed.offer-expired', s.expired(second, 'hold_expired'), s.requestId);
    const after = await alertsOf(s.requestId, 2, 2, 'the second offer closed');
    expect(after.requested).toHaveLength(2);
    expect(after.cancelled.map((c) => c.reason)).toEqual([
      'Declined — thank you',
      'Hold expired; the bed was offered elsewhere',
    ]);
    const rows = await h.db.query<{ state: string; close_reason: string }>(
      `SELECT state, close_reason FROM "${h.schema}".bed_offer_alert WHERE offer_id = $1`,
      [offer.offerId],
    );
    expect(rows.rows).toEqual([{ state: 'closed', close_reason: 'Declined — thank you' }]);
  });

  it('a placement closes the accepted offer, releases the others and tells the requester', async () => {
    const s = story();
    const accepted = s.offer(randomUUID());
    const other = s.offer(randomUUID(), { rank: 2 });
    await publish('harbour.bed.offered', accepted, s.requestId);
    await publish('harbour.bed.offered', other, s.requestId);
    const placement = s.placement(accepted);
    await publish('harbour.placement.confirmed', placement, s.requestId);

    const { requested: alerts, cancelled: closed } = await alertsOf(
      s.requestId,
      3,
      2,
      'the placement alert and both offers closed',
    );
    const byRecipient = (organisationId: string) =>
      alerts.find((a) => a.audience.organisations?.includes(organisationId));
    expect(closed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          alertId: byRecipient(accepted.providerOrganisationId)!.alertId,
          reason: 'Accepted — placement confirmed',
        }),
        expect.objectContaining({
          alertId: byRecipient(other.providerOrganisationId)!.alertId,
          reason: 'Placed with another provider — no action needed',
        }),
      ]),
    );
    const found = byRecipient(s.requestedBy.organisationId)!;
    expect(found).toMatchObject({
      severity: 'informational',
      acknowledgeWithinMinutes: 1440,
      summary: { title: 'Bed found — Croydon' },
      audience: {
        roles: ['police_borough'],
        boroughs: ['pan_london'],
        organisations: [s.requestedBy.organisationId],
        namedOnly: true,
      },
    });
    expect(line(found, 'Placement reference')).toBe(placement.placementId);
    expect(line(found, 'Read it')).toBe(`GET ${PUBLIC_URL}/v1/placements/${placement.placementId}`);

    // Accommodation's own release of the other hold, and the placement again in a new event:
    // once both are handled (the inbox row commits with their effects), nothing more was decided.
    const late = [
      await publish('harbour.bed.offer-expired', s.expired(other, 'placed_elsewhere'), s.requestId),
      await publish('harbour.placement.confirmed', placement, s.requestId),
    ];
    await expectEventually(
      async () => {
        const { rows } = await h.db.query(
          `SELECT 1 FROM "${h.schema}".inbox WHERE event_id = ANY($1::text[])`,
          [late.map((e) => e.id)],
        );
        if (rows.length < late.length) throw new Error('the late events are not handled yet');
      },
      { timeoutMs: 45_000, description: 'the late events handled' },
    );
    expect(await alertEventsWritten(s.requestId)).toEqual({ requested: 3, cancelled: 2 });
  });

  it('an unmatched request alerts the coordinator with every explanation line, and tells the requester', async () => {
    const s = story({ organisationId: randomUUID(), organisationKind: 'police_specialist' });
    const unmatched = s.unmatched();
    await publish('harbour.bed-request.unmatched', unmatched, s.requestId);

    const { requested: alerts } = await alertsOf(s.requestId, 2, 0, 'the unmatched alerts');
    const coordinator = alerts.find((a) => a.audience.roles.includes('coordinator'))!;
    const requester = alerts.find((a) => a.audience.namedOnly === true)!;
    expect(coordinator).toMatchObject({
      severity: 'critical',
      acknowledgeWithinMinutes: 15,
      audience: { roles: ['coordinator'], boroughs: ['pan_london'] },
      summary: { title: 'No bed found — tonight — man, 30s' },
      cause: { kind: 'bed_request', id: s.requestId },
    });
    expect(coordinator.audience.namedOnly).toBeUndefined();
    expect(line(coordinator, 'Offers made')).toBe('2');
    expect(
      coordinator.summary.lines.filter((l) => l.label === 'Why no bed').map((l) => l.value),
    ).toEqual(unmatched.explanation);
    expect(requester).toMatchObject({
      severity: 'informational',
      summary: { title: 'No bed found yet; the coordinator has been alerted' },
      audience: {
        roles: ['police_specialist'],
        boroughs: ['pan_london'],
        organisations: [s.requestedBy.organisationId],
        namedOnly: true,
      },
    });

    // A coordinator finds a bed after all: the unmatched alerts close, the requester is told.
    const late = s.offer(randomUUID());
    await publish('harbour.bed.offered', late, s.requestId);
    await publish('harbour.placement.confirmed', s.placement(late), s.requestId);
    const after = await alertsOf(s.requestId, 4, 3, 'the late placement');
    expect(after.cancelled.map((c) => c.reason).sort()).toEqual([
      'A bed was found — placement confirmed',
      'A bed was found — placement confirmed',
      'Accepted — placement confirmed',
    ]);
    expect(after.requested.map((a) => a.summary.title)).toContain('Bed found — Croydon');
  });

  it('an offer that arrives after its hold expired is recorded and sends nothing', async () => {
    const s = story();
    const stale = s.offer(randomUUID(), {
      holdExpiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    await publish('harbour.bed.offered', stale, s.requestId);
    // Behind it on the partition: a live offer, whose alert proves the stale one was handled.
    const live = s.offer(randomUUID());
    await publish('harbour.bed.offered', live, s.requestId);
    const { requested: alerts } = await alertsOf(s.requestId, 1, 0, 'the live offer alert');
    expect(alerts.map((a) => a.audience.organisations)).toEqual([[live.providerOrganisationId]]);
    const { rows } = await h.db.query<{ state: string; alert_id: string | null }>(
      `SELECT state, alert_id FROM "${h.schema}".bed_offer_alert WHERE offer_id = $1`,
      [stale.offerId],
    );
    expect(rows).toEqual([{ state: 'closed', alert_id: null }]);
  });
});
