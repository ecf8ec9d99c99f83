import type {
  BedOffered,
  BedOfferExpired,
  BedRequestUnmatched,
  EscalationPolicy,
  OrganisationRef,
  PlacementConfirmed,
} from '@harbour/contracts';
import { formatLondonTime } from '@harbour/london';
import type { AlertDecision, Audience, SummaryLine } from './alert-decision';
import { bedNeedsLines, describeBedNeed, describePerson, urgencyWords } from './bed-needs-summary';
import { boroughName } from './operation-notice';
import { minutesUntil } from './return-home-interview';

/**
 * Bed requests, from accommodation's placement topic, as alerts. Every alert names one
 * organisation (`namedOnly`) except the coordinator's: an offer goes to the one provider holding
 * the bed, an answer to the one organisation that asked. Disclosure is `notice` throughout: the
 * needs in words, never a name (accommodation gives the name only to the provider that accepts).
 */

export interface BedAlertSettings {
  /** Where partners reach accommodation (`ACCOMMODATION_PUBLIC_URL`); may carry a path prefix. */
  accommodationPublicUrl: string;
}

export const BED_OFFER_RULE = 'bed-offer-to-provider';
export const BED_REQUEST_PLACED_RULE = 'bed-request-placed';
export const BED_REQUEST_UNMATCHED_COORDINATOR_RULE = 'bed-request-unmatched-coordinator';
export const BED_REQUEST_UNMATCHED_REQUESTER_RULE = 'bed-request-unmatched-requester';

/**
 * An offer alert still open this many minutes after its hold expired means accommodation never
 * closed it (it closes every offer at its expiry): only then does the coordinator hear of it.
 */
export const STUCK_OFFER_GRACE_MINUTES = 30;

/** Why the provider's offer alert closes, by `harbour.bed.offer-expired` reason. */
const OFFER_CLOSED_REASONS: Record<BedOfferExpired['reason'], string> = {
  hold_expired: 'Hold expired; the bed was offered elsewhere',
  declined: 'Declined — thank you',
  placed_elsewhere: 'Placed with another provider — no action needed',
  request_withdrawn: 'The request was withdrawn',
  matching_window_passed: 'Matching window passed',
};

/** The accepted offer's alert closes with this reason when the placement is confirmed. */
export const OFFER_ACCEPTED_REASON = 'Accepted — placement confirmed';

const UNMATCHED_REASONS: Record<BedRequestUnmatched['reason'], string> = {
  no_matching_vacancy: 'no vacancy matched the needs',
  all_offers_declined: 'every offer was declined',
  all_offers_expired: 'every offer expired unanswered',
  matching_window_passed: 'the matching window passed',
};

/** What the provider is told when its offer ends without a placement there. */
export function offerClosedReason(reason: BedOfferExpired['reason']): string {
  return OFFER_CLOSED_REASONS[reason];
}

/** Exactly one named organisation, and only if its kind is one of `roles` (notification checks). */
function namedOnly(organisationId: string, roles: Audience['roles']): Audience {
  return { roles, boroughs: ['pan_london'], organisations: [organisationId], namedOnly: true };
}

/** The organisation that asked for the bed, reached by name. */
export function requesterAudience(requestedBy: OrganisationRef): Audience {
  return namedOnly(requestedBy.organisationId, [requestedBy.organisationKind]);
}

function baseUrl(settings: BedAlertSettings): string {
  return settings.accommodationPublicUrl.replace(/\/+$/, '');
}

const OFFER_HEADINGS: Record<BedOffered['urgency']['kind'], string> = {
  tonight: 'Bed needed tonight',
  within_days: 'Bed needed within days',
  planned: 'Planned move-on bed needed',
};

/**
 * The offer's escalation. The contract needs at least one level with at least one role, so this
 * is the smallest valid policy: one level, once. The hold's expiry is the real escalation
 * (accommodation offers the bed elsewhere and closes this alert), so the level only fires for an
 * offer nobody closed — to the coordinator, never to other providers (a level selects by role and
 * borough, so `housing_provider` would broadcast the offer) and never to the police (the default
 * policy's second level).
 */
function stuckOfferPolicy(holdMinutes: number): EscalationPolicy {
  return {
    levels: [
      {
        afterMinutes: Math.min(10_080, holdMinutes + STUCK_OFFER_GRACE_MINUTES),
        roles: ['coordinator'],
        boroughs: ['pan_london'],
      },
    ],
    repeat: 0,
  };
}

/**
 * `bed-offer-to-provider`: the provider holding the bed, by name; critical for tonight, high
 * otherwise; to be answered before the hold expires.
 */
export function bedOfferAlert(
  offer: BedOffered,
  now: Date,
  settings: BedAlertSettings,
): AlertDecision {
  const holdMinutes = minutesUntil(offer.holdExpiresAt, now);
  const url = baseUrl(settings);
  return {
    severity: offer.urgency.kind === 'tonight' ? 'critical' : 'high',
    acknowledgeWithinMinutes: holdMinutes,
    audience: namedOnly(offer.providerOrganisationId, ['housing_provider']),
    disclosure: 'notice',
    title: `${OFFER_HEADINGS[offer.urgency.kind]} — ${describeBedNeed(offer.needs)}`,
    lines: [
      ...bedNeedsLines(offer.needs, offer.urgency),
      { label: 'Hold expires at', value: formatLondonTime(offer.holdExpiresAt) },
      { label: 'Property', value: offer.propertyLabel ?? offer.propertyId },
      {
        label: `Offer ${offer.offerId}`,
        value: `accept or decline with POST ${url}/v1/offers/${offer.offerId}/decision (see GET /v1/offers)`,
      },
      ...offer.explanation.map((value) => ({ label: 'Why this bed', value })),
      { label: 'Request reference', value: offer.requestId },
    ],
    rule: BED_OFFER_RULE,
    escalationPolicy: stuckOfferPolicy(holdMinutes),
  };
}

/** `bed-request-placed`: the organisation that asked hears a bed was found, and where to read it. */
export function bedPlacedAlert(
  placement: PlacementConfirmed,
  settings: BedAlertSettings,
): AlertDecision {
  return {
    severity: 'informational',
    acknowledgeWithinMinutes: 24 * 60,
    audience: requesterAudience(placement.requestedBy),
    disclosure: 'notice',
    title: `Bed found — ${boroughName(placement.borough)}`,
    lines: [
      { label: 'Placement reference', value: placement.placementId },
      { label: 'What happens next', value: 'The provider will contact you' },
      ...(placement.startsAt !== undefined
        ? [{ label: 'Starts at', value: formatLondonTime(placement.startsAt) }]
        : []),
      {
        label: 'Read it',
        value: `GET ${baseUrl(settings)}/v1/placements/${placement.placementId}`,
      },
      { label: 'Request reference', value: placement.requestId },
    ],
    rule: BED_REQUEST_PLACED_RULE,
  };
}

function unmatchedOutcomeLines(unmatched: BedRequestUnmatched): SummaryLine[] {
  return [
    { label: 'Offers made', value: String(unmatched.offersMade) },
    { label: 'Why', value: UNMATCHED_REASONS[unmatched.reason] },
    { label: 'Matching stopped at', value: formatLondonTime(unmatched.unmatchedAt) },
  ];
}

/**
 * Nobody could give a bed in the window:
 * - `bed-request-unmatched-coordinator`: the coordinator (pan-London) must find one — critical
 *   and 15 minutes for tonight, high and 60 minutes otherwise (the severity's default escalation);
 *   every explanation line;
 * - `bed-request-unmatched-requester`: the organisation that asked, by name, informational.
 */
export function bedUnmatchedAlerts(unmatched: BedRequestUnmatched): AlertDecision[] {
  const tonight = unmatched.urgency.kind === 'tonight';
  const { requestedBy } = unmatched;
  return [
    {
      severity: tonight ? 'critical' : 'high',
      acknowledgeWithinMinutes: tonight ? 15 : 60,
      audience: { roles: ['coordinator'], boroughs: ['pan_london'] },
      disclosure: 'notice',
      title: `No bed found — ${urgencyWords(unmatched.urgency)} — ${describePerson(unmatched.needs)}`,
      lines: [
        ...bedNeedsLines(unmatched.needs, unmatched.urgency),
        ...unmatchedOutcomeLines(unmatched),
        ...unmatched.explanation.map((value) => ({ label: 'Why no bed', value })),
        {
          label: 'Requested by',
          value: `${requestedBy.organisationKind.replace(/_/g, ' ')} organisation ${requestedBy.organisationId}`,
        },
        { label: 'Request reference', value: unmatched.requestId },
      ],
      rule: BED_REQUEST_UNMATCHED_COORDINATOR_RULE,
    },
    {
      severity: 'informational',
      acknowledgeWithinMinutes: 24 * 60,
      audience: requesterAudience(requestedBy),
      disclosure: 'notice',
      title: 'No bed found yet; the coordinator has been alerted',
      lines: [
        { label: 'Needed', value: urgencyWords(unmatched.urgency) },
        { label: 'Person', value: describeBedNeed(unmatched.needs) },
        ...unmatchedOutcomeLines(unmatched),
        { label: 'Request reference', value: unmatched.requestId },
      ],
      rule: BED_REQUEST_UNMATCHED_REQUESTER_RULE,
    },
  ];
}
