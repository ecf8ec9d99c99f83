import { useCallback, useEffect, useState } from 'react';
import { type BedAvailability, deskApi } from './desk-api';
import { boroughName, count, list, words } from './labels';
import { londonTime } from './london-time';

const GENDER: Record<string, string> = {
  female: 'Women',
  male: 'Men',
  any: 'Any gender',
};
const SUPPORT: Record<string, string> = {
  emergency: 'Emergency',
  safe_house: 'Safe house',
  move_on: 'Move-on',
  dispersed: 'Dispersed',
};
const gender = (code: string) => GENDER[code] ?? words(code);
const support = (code: string) => SUPPORT[code] ?? words(code);

/** `1 property`, `3 properties`. */
const properties = (n: number) => (n === 1 ? '1 property' : `${n} properties`);

const message = (e: unknown, fallback: string) => (e instanceof Error ? e.message : fallback);

/** `30 hours ago`, `2 days ago`: how old a confirmation is, in words. */
export function age(hours: number): string {
  if (hours < 1) return 'within the hour';
  if (hours < 48) return `${count(hours, 'hour')} ago`;
  return `${count(Math.floor(hours / 24), 'day')} ago`;
}

/**
 * The coordinator's beds across London: free beds by the gender a property serves and its
 * support level, by borough, and how fresh each provider's figures are. Out-of-date figures are
 * said in words, not only in colour. Counts, property labels and boroughs only: no address.
 */
export function BedAvailabilityView() {
  const [view, setView] = useState<BedAvailability | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    setBusy(true);
    deskApi.bedAvailability().then(
      (answer) => {
        setView(answer);
        setError(null);
        setBusy(false);
      },
      (e: unknown) => {
        setError(message(e, 'Bed availability could not be loaded.'));
        setBusy(false);
      },
    );
  }, []);
  useEffect(load, [load]);

  return (
    <section aria-labelledby="beds-title" className="desk">
      <h1 id="beds-title">Beds across London</h1>
      <p className="hint">
        Times are London time. A property whose beds its provider has not confirmed for more than{' '}
        {view === null ? 24 : view.staleAfterHours} hours is marked “out of date”.
      </p>
      <div className="controls">
        <button type="button" className="secondary" onClick={load} disabled={busy}>
          Refresh
        </button>
        {view !== null && (
          <span className="hint" role="status">
            {' '}
            Figures as at <time dateTime={view.at}>{londonTime(view.at)}</time>
          </span>
        )}
      </div>
      {error !== null && <p role="alert">{error}</p>}
      {view === null ? (
        error === null && <p>Loading beds…</p>
      ) : view.totals.properties === 0 ? (
        <p>No property is registered yet.</p>
      ) : (
        <>
          <p className="summary" data-testid="bed-totals">
            <strong>{count(view.totals.freeBeds, 'bed')} free</strong> to offer now at{' '}
            {properties(view.totals.properties)}
            {view.totals.heldBeds > 0 &&
              `, ${count(view.totals.heldBeds, 'bed')} held by offers awaiting an answer`}
            .{' '}
            {view.totals.staleProperties > 0 && (
              <strong className="stale">
                {view.totals.freeBedsStale} of the free beds are at{' '}
                {properties(view.totals.staleProperties)} with out-of-date figures.
              </strong>
            )}
          </p>

          <h2 className="section-title" id="by-type-title">
            By gender and type of support
          </h2>
          <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="by-type-title">
            <table className="desk-table by-type">
              <thead>
                <tr>
                  <th scope="col">Serves</th>
                  <th scope="col">Support</th>
                  <th scope="col" className="number">
                    Free
                  </th>
                  <th scope="col" className="number">
                    Held by offers
                  </th>
                  <th scope="col" className="number">
                    Beds
                  </th>
                  <th scope="col" className="number">
                    Properties
                  </th>
                  <th scope="col">Freshness</th>
                </tr>
              </thead>
              <tbody>
                {view.byType.map((t) => (
                  <tr key={`${t.genderServed}/${t.supportLevel}`}>
                    <th scope="row">{gender(t.genderServed)}</th>
                    <td>{support(t.supportLevel)}</td>
                    <td className="number">{t.freeBeds}</td>
                    <td className="number">{t.heldBeds}</td>
                    <td className="number">{t.beds}</td>
                    <td className="number">{t.properties}</td>
                    <td>
                      {t.staleProperties === 0 ? (
                        'Up to date'
                      ) : (
                        <strong className="stale">
                          {t.staleProperties} of {t.properties} out of date
                        </strong>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                {view.byGender
                  .filter((g) => g.properties > 0)
                  .map((g) => (
                    <tr key={g.genderServed}>
                      <th scope="row">{gender(g.genderServed)}</th>
                      <td>All</td>
                      <td className="number">{g.freeBeds}</td>
                      <td className="number">{g.heldBeds}</td>
                      <td className="number">{g.beds}</td>
                      <td className="number">{g.properties}</td>
                      <td>
                        {g.staleProperties === 0
                          ? 'Up to date'
                          : `${g.staleProperties} of ${g.properties} out of date`}
                      </td>
                    </tr>
                  ))}
              </tfoot>
            </table>
          </div>

          <h2 className="section-title" id="by-borough-title">
            Free beds by borough
          </h2>
          <div
            className="table-scroll"
            tabIndex={0}
            role="region"
            aria-labelledby="by-borough-title"
          >
            <table className="desk-table by-borough">
              <thead>
                <tr>
                  <th scope="col">Borough</th>
                  <th scope="col" className="number">
                    For women
                  </th>
                  <th scope="col" className="number">
                    For men
                  </th>
                  <th scope="col" className="number">
                    For anyone
                  </th>
                  <th scope="col" className="number">
                    Properties
                  </th>
                  <th scope="col">Freshness</th>
                </tr>
              </thead>
              <tbody>
                {view.boroughs.map((b) => (
                  <tr key={b.borough} data-borough={b.borough}>
                    <th scope="row">{boroughName(b.borough)}</th>
                    <td className="number">{b.freeByGender['female'] ?? 0}</td>
                    <td className="number">{b.freeByGender['male'] ?? 0}</td>
                    <td className="number">{b.freeByGender['any'] ?? 0}</td>
                    <td className="number">{b.properties}</td>
                    <td>
                      {b.staleProperties === 0 ? (
                        'Up to date'
                      ) : (
                        <strong className="stale">{b.staleProperties} out of date</strong>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h2 className="section-title" id="providers-title">
            Providers: when they last confirmed their beds
          </h2>
          <ul className="freshness" aria-labelledby="providers-title">
            {view.providers.map((p) => (
              <li key={p.providerOrganisationId} data-provider-id={p.providerOrganisationId}>
                <strong>{p.providerName}</strong>: {count(p.freeBeds, 'free bed')} at{' '}
                {properties(p.properties)}; last confirmed{' '}
                <time dateTime={p.lastConfirmedAt}>{londonTime(p.lastConfirmedAt)}</time>.{' '}
                {p.staleProperties === 0 ? (
                  <span>Up to date.</span>
                ) : (
                  <strong className="stale">
                    Out of date: {properties(p.staleProperties)} not confirmed since{' '}
                    <time dateTime={p.oldestConfirmedAt}>{londonTime(p.oldestConfirmedAt)}</time>.
                  </strong>
                )}
              </li>
            ))}
          </ul>

          <h2 className="section-title" id="properties-title">
            Properties, oldest confirmation first
          </h2>
          <div
            className="table-scroll"
            tabIndex={0}
            role="region"
            aria-labelledby="properties-title"
          >
            <table className="desk-table properties-freshness">
              <thead>
                <tr>
                  <th scope="col">Property</th>
                  <th scope="col">Borough</th>
                  <th scope="col">Serves</th>
                  <th scope="col" className="number">
                    Free of all beds
                  </th>
                  <th scope="col">Confirmed</th>
                </tr>
              </thead>
              <tbody>
                {view.properties.map((p) => (
                  <tr key={p.propertyId} data-property-id={p.propertyId}>
                    <th scope="row">
                      {p.label}
                      <span className="hint block">{p.providerName}</span>
                    </th>
                    <td>{boroughName(p.borough)}</td>
                    <td>
                      {gender(p.genderServed)}, {list(p.ages)}; {support(p.supportLevel)}
                    </td>
                    <td className="number">
                      {p.freeBeds} of {p.beds}
                      {p.heldBeds > 0 && <span className="hint block">{p.heldBeds} held</span>}
                    </td>
                    <td>
                      <time dateTime={p.availabilityConfirmedAt}>
                        {londonTime(p.availabilityConfirmedAt)}
                      </time>{' '}
                      ({age(p.hoursSinceConfirmed)})
                      {p.stale && <strong className="stale block">Out of date</strong>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
