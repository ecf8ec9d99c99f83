import { type SyntheticEvent, useCallback, useEffect, useRef, useState } from 'react';
import {
  api,
  type DeclineReason,
  type Offer,
  type Placement,
  type Property,
  type Session,
} from './api';
import { Countdown } from './Countdown';
import { boroughName, count, idempotencyKey, languages, list, words } from './labels';
import { londonTime } from './london-time';

const REFRESH_MS = 15_000;
const DECLINE_REASONS: { value: DeclineReason | ''; label: string }[] = [
  { value: '', label: 'No reason given' },
  { value: 'no_space', label: 'No space' },
  { value: 'unsuitable', label: 'Not suitable for these needs' },
  { value: 'safety', label: 'Safety concern' },
  { value: 'other', label: 'Other' },
];
const NRM_STAGE: Record<string, string> = {
  pre_nrm: 'not yet referred to the NRM',
  recovery_period: 'NRM recovery period',
  post_cg_move_on: 'moving on after a conclusive grounds decision',
  not_in_nrm: 'not in the NRM',
};
const OFFER_STATE: Record<string, string> = {
  offered: 'Waiting for your answer',
  accepted: 'Accepted by you',
  declined: 'Declined',
  expired: 'Expired',
  withdrawn: 'Withdrawn',
};

const message = (e: unknown, fallback: string) => (e instanceof Error ? e.message : fallback);

/**
 * A housing provider's console: the bed offers waiting for an answer (with the time left on
 * each hold), then its properties with their beds, each updated or confirmed in one step.
 */
export function ProviderView({ session }: { session: Session }) {
  const [offers, setOffers] = useState<{ offers: Offer[]; readAt: number } | null>(null);
  const [properties, setProperties] = useState<Property[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Offers answered here stay in view with their outcome until dismissed, whatever refreshes.
  const [answered, setAnswered] = useState<ReadonlySet<string>>(new Set());
  const canAct = session.person.roles.some((r) => r === 'respond' || r === 'submit');

  const load = useCallback(() => {
    Promise.all([api.offers(), api.properties()]).then(
      ([o, p]) => {
        setOffers({ offers: o.offers, readAt: performance.now() });
        setProperties(p.properties);
        setError(null);
      },
      (e: unknown) => {
        setError(message(e, 'Your offers and properties could not be loaded.'));
      },
    );
  }, []);
  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      clearInterval(timer);
    };
  }, [load]);

  const shown = (o: Offer) => o.state === 'offered' || answered.has(o.offerId);
  const open = offers?.offers.filter(shown) ?? [];
  const earlier = offers?.offers.filter((o) => !shown(o)) ?? [];
  const onAnswered = (offerId: string) => {
    setAnswered((before) => new Set(before).add(offerId));
    load();
  };
  const onDismissed = (offerId: string) => {
    setAnswered((before) => {
      const after = new Set(before);
      after.delete(offerId);
      return after;
    });
  };
  return (
    <>
      <section aria-labelledby="offers-title">
        <h1 id="offers-title">Bed offers for {session.organisation.name}</h1>
        <p className="hint">
          Times are London time. Each offer holds one of your beds until its hold expires; the list
          refreshes every 15 seconds.
        </p>
        {error !== null && <p role="alert">{error}</p>}
        {offers === null ? (
          <p>Loading offers…</p>
        ) : open.length === 0 ? (
          <p>No offer is waiting for your answer.</p>
        ) : (
          <ol className="offers" aria-label={`${count(open.length, 'offer')} waiting`}>
            {open.map((offer) => (
              <OfferItem
                key={offer.offerId}
                offer={offer}
                readAt={offers.readAt}
                canAct={canAct}
                onAnswered={onAnswered}
                onDismissed={onDismissed}
              />
            ))}
          </ol>
        )}
        {earlier.length > 0 && (
          <details className="earlier">
            <summary>Earlier offers ({earlier.length})</summary>
            <ul>
              {earlier.map((offer) => (
                <li key={offer.offerId}>
                  {offer.propertyLabel}: {OFFER_STATE[offer.state] ?? words(offer.state)}
                  {offer.decidedAt !== null && (
                    <>
                      , <time dateTime={offer.decidedAt}>{londonTime(offer.decidedAt)}</time>
                    </>
                  )}{' '}
                  (offered <time dateTime={offer.offeredAt}>{londonTime(offer.offeredAt)}</time>)
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>
      <section aria-labelledby="properties-title">
        <h2 id="properties-title" className="section-title">
          Your properties and beds
        </h2>
        {properties === null ? (
          <p>Loading properties…</p>
        ) : properties.length === 0 ? (
          <p>Your organisation has no property registered.</p>
        ) : (
          <ul className="properties">
            {properties.map((property) => (
              <PropertyItem
                key={property.propertyId}
                property={property}
                canAct={canAct}
                onDone={load}
              />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function OfferItem({
  offer,
  readAt,
  canAct,
  onAnswered,
  onDismissed,
}: {
  offer: Offer;
  readAt: number;
  canAct: boolean;
  onAnswered: (offerId: string) => void;
  onDismissed: (offerId: string) => void;
}) {
  const [expired, setExpired] = useState(offer.secondsLeft <= 0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [placement, setPlacement] = useState<Placement | null>(null);
  const [declined, setDeclined] = useState(false);
  const [reason, setReason] = useState<DeclineReason | ''>('');
  // One key per decision, kept across retries of the same click.
  const keys = useRef<Record<string, string>>({});
  const keyFor = (decision: string) => (keys.current[decision] ??= idempotencyKey());
  const onExpired = useCallback(() => {
    setExpired(true);
  }, []);
  const titleId = `offer-${offer.offerId}`;
  const { needs } = offer;

  const decide = (
    decision: { decision: 'accept' } | { decision: 'decline'; declineReason?: DeclineReason },
  ) => {
    setBusy(true);
    setError(null);
    api.decideOffer(offer.offerId, decision, keyFor(decision.decision)).then(
      (answer) => {
        setBusy(false);
        if (decision.decision === 'accept') setPlacement(answer as Placement);
        else setDeclined(true);
        onAnswered(offer.offerId);
      },
      (e: unknown) => {
        setBusy(false);
        setError(message(e, 'Your answer could not be recorded.'));
      },
    );
  };
  const decline = (event: SyntheticEvent) => {
    event.preventDefault();
    decide(
      reason === '' ? { decision: 'decline' } : { decision: 'decline', declineReason: reason },
    );
  };

  const decided = placement !== null || declined;
  return (
    <li
      className={`offer urgency-${offer.urgency.kind}`}
      aria-labelledby={titleId}
      data-offer-id={offer.offerId}
    >
      <h2 id={titleId}>
        Bed needed {words(offer.urgency.kind)} at {offer.propertyLabel}
      </h2>
      {!decided && (
        <Countdown
          expiresAt={offer.holdExpiresAt}
          secondsLeft={offer.secondsLeft}
          readAt={readAt}
          onExpired={onExpired}
        />
      )}
      <dl className="facts">
        <div>
          <dt>Needed by</dt>
          <dd>
            <time dateTime={offer.urgency.neededBy}>{londonTime(offer.urgency.neededBy)}</time>
          </dd>
        </div>
        <div>
          <dt>For</dt>
          <dd>
            {words(needs.gender)}, {words(needs.ageGroup)}
            {needs.ageYears === undefined ? '' : ` (${needs.ageYears})`}
            {needs.accompanyingChildren === 1 && ', with 1 child'}
            {needs.accompanyingChildren > 1 && `, with ${needs.accompanyingChildren} children`}
          </dd>
        </div>
        <div>
          <dt>Languages</dt>
          <dd>{languages(needs.languages)}</dd>
        </div>
        <div>
          <dt>Access needs</dt>
          <dd>{list(needs.accessNeeds)}</dd>
        </div>
        <div>
          <dt>Support</dt>
          <dd>
            {words(needs.supportLevel)} support;{' '}
            {NRM_STAGE[needs.nrmStage] ?? words(needs.nrmStage)}
            {needs.nrpf ? '; no recourse to public funds' : ''}
          </dd>
        </div>
        <div>
          <dt>Offered</dt>
          <dd>
            <time dateTime={offer.offeredAt}>{londonTime(offer.offeredAt)}</time>
          </dd>
        </div>
      </dl>
      {offer.explanation.length > 0 && (
        <details>
          <summary>Why your property was asked</summary>
          <ul>
            {offer.explanation.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </details>
      )}
      <div aria-live="polite">
        {placement !== null && (
          <p className="notice" role="status">
            Accepted: the placement was confirmed{' '}
            <time dateTime={placement.confirmedAt}>{londonTime(placement.confirmedAt)}</time>.
            {placement.person !== undefined &&
              (placement.person.givenName !== undefined ||
                placement.person.familyName !== undefined) &&
              ` The person coming to ${placement.propertyLabel ?? offer.propertyLabel} is ${[
                placement.person.givenName,
                placement.person.familyName,
              ]
                .filter((n) => n !== undefined)
                .join(' ')}.`}
          </p>
        )}
        {declined && (
          <p className="notice" role="status">
            Declined: the bed is released and the next provider is asked.
          </p>
        )}
      </div>
      {!decided && canAct && !expired && (
        <div className="decision">
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              decide({ decision: 'accept' });
            }}
          >
            Accept offer
          </button>
          <form onSubmit={decline} className="decline">
            <label htmlFor={`decline-${offer.offerId}`}>Reason for declining (optional)</label>
            <select
              id={`decline-${offer.offerId}`}
              value={reason}
              onChange={(event) => {
                setReason(event.target.value as DeclineReason | '');
              }}
            >
              {DECLINE_REASONS.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
            <button type="submit" className="secondary" disabled={busy}>
              Decline offer
            </button>
          </form>
        </div>
      )}
      {!decided && expired && <p>The hold has expired: this offer can no longer be accepted.</p>}
      {decided && (
        <button
          type="button"
          className="secondary"
          onClick={() => {
            onDismissed(offer.offerId);
          }}
        >
          Dismiss
        </button>
      )}
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </li>
  );
}

function PropertyItem({
  property,
  canAct,
  onDone,
}: {
  property: Property;
  canAct: boolean;
  onDone: () => void;
}) {
  const [value, setValue] = useState(String(property.availableBeds));
  // A refresh (an offer taken, a bed placed) shows the new count.
  useEffect(() => {
    setValue(String(property.availableBeds));
  }, [property.availableBeds]);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const inputId = `available-${property.propertyId}`;
  const titleId = `property-${property.propertyId}`;

  const save = (availableBeds: number) => {
    setBusy(true);
    setError(null);
    setStatus(null);
    api.setAvailability(property.propertyId, availableBeds).then(
      (updated) => {
        setBusy(false);
        setValue(String(updated.availableBeds));
        setStatus(
          `Saved: ${count(updated.availableBeds, 'bed')} available, confirmed ${londonTime(updated.availabilityConfirmedAt)}.`,
        );
        onDone();
      },
      (e: unknown) => {
        setBusy(false);
        setError(message(e, 'The availability could not be saved.'));
      },
    );
  };
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const beds = Number(value);
    if (!Number.isInteger(beds) || beds < 0 || beds > property.beds) {
      setError(`Enter a whole number from 0 to ${property.beds}.`);
      return;
    }
    save(beds);
  };

  return (
    <li className="property" aria-labelledby={titleId} data-property-id={property.propertyId}>
      <h3 id={titleId}>{property.label}</h3>
      <p className="hint">
        {boroughName(property.borough)}, {property.postcodeDistrict}: {words(property.genderServed)}
        , {list(property.ages)}, {words(property.supportLevel)} support
      </p>
      <dl className="facts">
        <div>
          <dt>Beds</dt>
          <dd>{property.beds}</dd>
        </div>
        <div>
          <dt>Available</dt>
          <dd>{property.availableBeds}</dd>
        </div>
        <div>
          <dt>Held by open offers</dt>
          <dd>{property.heldBeds}</dd>
        </div>
        <div>
          <dt>Free to offer</dt>
          <dd>{property.freeBeds}</dd>
        </div>
        <div>
          <dt>Confirmed</dt>
          <dd>
            <time dateTime={property.availabilityConfirmedAt}>
              {londonTime(property.availabilityConfirmedAt)}
            </time>
            {property.stale && (
              <strong className="stale"> — out of date: confirm it to stay high in matching</strong>
            )}
          </dd>
        </div>
      </dl>
      {canAct && (
        <form onSubmit={submit} className="availability">
          <label htmlFor={inputId}>Beds available now at {property.label}</label>
          <div className="inline">
            <input
              id={inputId}
              type="number"
              inputMode="numeric"
              min={0}
              max={property.beds}
              step={1}
              value={value}
              onChange={(event) => {
                setValue(event.target.value);
              }}
            />
            <button type="submit" disabled={busy}>
              Save availability
            </button>
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => {
                save(property.availableBeds);
              }}
            >
              Confirm {property.availableBeds} still available
            </button>
          </div>
        </form>
      )}
      <div aria-live="polite">
        {status !== null && <p role="status">{status}</p>}
        {error !== null && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
      </div>
    </li>
  );
}
