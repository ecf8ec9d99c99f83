import type {
  BedOffered,
  BedOfferExpired,
  BedRequestUnmatched,
  PlacementConfirmed,
} from '@harbour/contracts';
import { validateEvent } from '@harbour/contracts';
import type { AlertDecision } from './alert-decision';
import {
  bedOfferAlert,
  bedPlacedAlert,
  bedUnmatchedAlerts,
  OFFER_ACCEPTED_REASON,
  offerClosedReason,
  STUCK_OFFER_GRACE_MINUTES,
} from './bed-alert-rules';

const REQUEST = '6f1c2a7e-3b1d-4c5e-9f00-0000000000a1';
const OFFER = '6f1c2a7e-3b1d-4c5e-9f00-0000000000b2';
const PROVIDER = '6f1c2a7e-3b1d-4c5e-9f00-0000000000c3';
const PROPERTY = '6f1c2a7e-3b1d-4c5e-9f00-0000000000d4';
const POLICE = '6f1c2a7e-3b1d-4c5e-9f00-0000000000e5';
const PLACEMENT = '6f1c2a7e-3b1d-4c5e-9f00-0000000000f6';
const CROYDON = 'E09000008';
const NOW = new Date('2026-07-01T19:00:00Z');
const SETTINGS = { accommodationPublicUrl: 'https://accommodation.harbour.example/' };

const offer = (overrides: Partial<BedOffered> = {}): BedOffered => ({
  requestId: REQUEST,
  offerId: OFFER,
  providerOrganisationId: PROVIDER,
  propertyId: PROPERTY,
  requestedBy: { organisationId: POLICE, organisationKind: 'police_borough' },
  offeredAt: NOW.toISOString(),
  holdExpiresAt: '2026-07-01T19:45:00Z',
  needs: {
    gender: 'male',
    ageGroup: 'adult',
    ageYears: 34,
    accompanyingChildren: 0,
    languages: ['sq'],
    accessNeeds: [],
    supportLevel: 'emergency',
    nrmStage: 'pre_nrm',
    nrpf: true,
  },
  urgency: { kind: 'tonight', neededBy: '2026-07-01T22:00:00Z', matchBy: '2026-07-01T21:00:00Z' },
  propertyLabel: 'Croydon men’s house, CR0',
  rank: 1,
  explanation: [
    'men-only house with a vacancy tonight',
    'Croydon is 14 km from the exclusion zone',
  ],
  ...overrides,
});

const placement = (overrides: Partial<PlacementConfirmed> = {}): PlacementConfirmed => ({
  requestId: REQUEST,
  placementId: PLACEMENT,
  offerId: OFFER,
  providerOrganisationId: PROVIDER,
  propertyId: PROPERTY,
  requestedBy: { organisationId: POLICE, organisationKind: 'police_borough' },
  borough: CROYDON,
  confirmedAt: NOW.toISOString(),
  ...overrides,
});

const unmatched = (overrides: Partial<BedRequestUnmatched> = {}): BedRequestUnmatched => ({
  requestId: REQUEST,
  requestedBy: { organisationId: POLICE, organisationKind: 'police_specialist' },
  unmatchedAt: '2026-07-01T21:00:00Z',
  reason: 'all_offers_declined',
  offersMade: 3,
  needs: offer().needs,
  urgency: offer().urgency,
  explanation: ['no male emergency beds outside the exclusion zone', 'two providers declined'],
  ...overrides,
});

const line = (decision: AlertDecision, label: string) =>
  decision.lines.find((l) => l.label === label)?.value;

/** The decision as notification will receive it: valid against the contract. */
function expectValidAlert(decision: AlertDecision): void {
  const result = validateEvent('harbour.alert.requested', {
    alertId: OFFER,
    cause: { kind: 'bed_request', id: REQUEST, eventId: 'e-1', ownerOrganisationId: POLICE },
    severity: decision.severity,
    acknowledgeWithinMinutes: decision.acknowledgeWithinMinutes,
    audience: decision.audience,
    disclosure: { level: decision.disclosure },
    summary: { title: decision.title, lines: decision.lines },
    ...(decision.escalationPolicy !== undefined
      ? { escalationPolicy: decision.escalationPolicy }
      : {}),
    requestedAt: NOW.toISOString(),
  });
  expect(result.ok ? [] : result.issues).toEqual([]);
}

describe('bed offer to the provider', () => {
  it('goes to the one provider holding the bed, critical for tonight, answered before the hold expires', () => {
    const decision = bedOfferAlert(offer(), NOW, SETTINGS);
    expect(decision).toMatchObject({
      rule: 'bed-offer-to-provider',
      severity: 'critical',
      acknowledgeWithinMinutes: 45,
      disclosure: 'notice',
      title: 'Bed needed tonight — man, 30s, Albanian speaker',
    });
    expect(decision.audience).toEqual({
      roles: ['housing_provider'],
      boroughs: ['pan_london'],
      organisations: [PROVIDER],
      namedOnly: true,
    });
    expectValidAlert(decision);
  });

  it.each([
    ['within_days', 'high', 'Bed needed within days — man, 30s, Albanian speaker'],
    ['planned', 'high', 'Planned move-on bed needed — man, 30s, Albanian speaker'],
  ] as const)('%s is %s: %s', (kind, severity, title) => {
    const decision = bedOfferAlert(offer({ urgency: { ...offer().urgency, kind } }), NOW, SETTINGS);
    expect(decision.severity).toBe(severity);
    expect(decision.title).toBe(title);
  });

  it('tells the provider the needs, the hold, the property, how to answer and why it matched', () => {
    const decision = bedOfferAlert(offer(), NOW, SETTINGS);
    expect(decision.lines.map((l) => l.label)).toEqual([
      'Needed',
      'Gender',
      'Age group',
      'Accompanying children',
      'Languages',
      'Access needs',
      'Support level',
      'NRM stage',
      'No recourse to public funds',
      'Hold expires at',
      'Property',
      `Offer ${OFFER}`,
      'Why this bed',
      'Why this bed',
      'Request reference',
    ]);
    expect(line(decision, 'Hold expires at')).toBe('Wed, 1 Jul 2026, 20:45 BST');
    expect(line(decision, 'Property')).toBe('Croydon men’s house, CR0');
    expect(line(decision, `Offer ${OFFER}`)).toBe(
      `accept or decline with POST https://accommodation.harbour.example/v1/offers/${OFFER}/decision (see GET /v1/offers)`,
    );
    expect(decision.lines.filter((l) => l.label === 'Why this bed').map((l) => l.value)).toEqual(
      offer().explanation,
    );
  });

  it('names the property by its id when it has no label', () => {
    const { propertyLabel: _unused, ...unlabelled } = offer();
    expect(line(bedOfferAlert(unlabelled, NOW, SETTINGS), 'Property')).toBe(PROPERTY);
  });

  it('escalates to nobody but the coordinator, and only once the hold is long past (a stuck offer)', () => {
    expect(bedOfferAlert(offer(), NOW, SETTINGS).escalationPolicy).toEqual({
      levels: [
        {
          afterMinutes: 45 + STUCK_OFFER_GRACE_MINUTES,
          roles: ['coordinator'],
          boroughs: ['pan_london'],
        },
      ],
      repeat: 0,
    });
  });

  it('asks for at least a minute, even when the hold is all but over', () => {
    const decision = bedOfferAlert(offer({ holdExpiresAt: '2026-07-01T19:00:20Z' }), NOW, SETTINGS);
    expect(decision.acknowledgeWithinMinutes).toBe(1);
    expectValidAlert(decision);
  });
});

describe('an offer that ends', () => {
  it.each([
    ['hold_expired', 'Hold expired; the bed was offered elsewhere'],
    ['declined', 'Declined — thank you'],
    ['placed_elsewhere', 'Placed with another provider — no action needed'],
    ['request_withdrawn', 'The request was withdrawn'],
    ['matching_window_passed', 'Matching window passed'],
  ] as const satisfies readonly (readonly [BedOfferExpired['reason'], string])[])(
    '%s closes the alert with “%s”',
    (reason, text) => {
      expect(offerClosedReason(reason)).toBe(text);
    },
  );

  it('the accepted offer closes as accepted', () => {
    expect(OFFER_ACCEPTED_REASON).toBe('Accepted — placement confirmed');
  });
});

describe('placement to the requester', () => {
  it('tells the organisation that asked, by name, where the bed is and where to read the placement', () => {
    const decision = bedPlacedAlert(placement(), SETTINGS);
    expect(decision).toMatchObject({
      rule: 'bed-request-placed',
      severity: 'informational',
      acknowledgeWithinMinutes: 1440,
      disclosure: 'notice',
      title: 'Bed found — Croydon',
    });
    expect(decision.audience).toEqual({
      roles: ['police_borough'],
      boroughs: ['pan_london'],
      organisations: [POLICE],
      namedOnly: true,
    });
    expect(decision.lines).toEqual([
      { label: 'Placement reference', value: PLACEMENT },
      { label: 'What happens next', value: 'The provider will contact you' },
      {
        label: 'Read it',
        value: `GET https://accommodation.harbour.example/v1/placements/${PLACEMENT}`,
      },
      { label: 'Request reference', value: REQUEST },
    ]);
    expect(decision.escalationPolicy).toBeUndefined();
    expectValidAlert(decision);
  });

  it('says when the placement starts, if it does not start at once', () => {
    const decision = bedPlacedAlert(placement({ startsAt: '2026-07-03T10:00:00Z' }), SETTINGS);
    expect(line(decision, 'Starts at')).toBe('Fri, 3 Jul 2026, 11:00 BST');
  });
});

describe('unmatched request', () => {
  it.each([
    ['tonight', 'critical', 15, 'No bed found — tonight — man, 30s'],
    ['within_days', 'high', 60, 'No bed found — within days — man, 30s'],
    ['planned', 'high', 60, 'No bed found — planned move-on — man, 30s'],
  ] as const)('%s: the coordinator, %s within %i minutes: %s', (kind, severity, minutes, title) => {
    const [coordinator] = bedUnmatchedAlerts(
      unmatched({ urgency: { ...unmatched().urgency, kind } }),
    );
    expect(coordinator).toMatchObject({
      rule: 'bed-request-unmatched-coordinator',
      severity,
      acknowledgeWithinMinutes: minutes,
      disclosure: 'notice',
      title,
    });
    expect(coordinator!.audience).toEqual({ roles: ['coordinator'], boroughs: ['pan_london'] });
    expectValidAlert(coordinator!);
  });

  it('gives the coordinator the needs, the offers made and every explanation line', () => {
    const [coordinator] = bedUnmatchedAlerts(unmatched());
    expect(line(coordinator!, 'Offers made')).toBe('3');
    expect(line(coordinator!, 'Why')).toBe('every offer was declined');
    expect(line(coordinator!, 'Languages')).toBe('Albanian (sq)');
    expect(line(coordinator!, 'Requested by')).toBe(`police specialist organisation ${POLICE}`);
    expect(coordinator!.lines.filter((l) => l.label === 'Why no bed').map((l) => l.value)).toEqual(
      unmatched().explanation,
    );
  });

  it('tells the requester, by name and informationally, that the coordinator has been alerted', () => {
    const [, requester] = bedUnmatchedAlerts(unmatched());
    expect(requester).toMatchObject({
      rule: 'bed-request-unmatched-requester',
      severity: 'informational',
      acknowledgeWithinMinutes: 1440,
      disclosure: 'notice',
      title: 'No bed found yet; the coordinator has been alerted',
    });
    expect(requester!.audience).toEqual({
      roles: ['police_specialist'],
      boroughs: ['pan_london'],
      organisations: [POLICE],
      namedOnly: true,
    });
    expect(line(requester!, 'Request reference')).toBe(REQUEST);
    expectValidAlert(requester!);
  });
});

describe('no names, ever', () => {
  it('no alert carries a name, a date of birth or an exact age', () => {
    const decisions = [
      bedOfferAlert(offer(), NOW, SETTINGS),
      bedPlacedAlert(placement(), SETTINGS),
      ...bedUnmatchedAlerts(unmatched()),
    ];
    for (const decision of decisions) {
      const text = JSON.stringify({ title: decision.title, lines: decision.lines });
      expect(text).not.toMatch(/\b34\b/);
      expect(text).not.toMatch(/given|family|name|date of birth|\d{4}-\d{2}-\d{2}/i);
    }
  });
});
