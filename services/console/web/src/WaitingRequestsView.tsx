import { useCallback, useEffect, useState } from 'react';
import { deskApi, type WaitingFilter, type WaitingRequest, type WaitingRequests } from './desk-api';
import { boroughName, count, languages, list, words } from './labels';
import { londonTime } from './london-time';

const FILTERS: { value: WaitingFilter; label: string }[] = [
  { value: 'all', label: 'Still matching and unmatched' },
  { value: 'open', label: 'Still matching' },
  { value: 'unmatched', label: 'Unmatched: nobody could take them' },
];
const STATE: Record<string, string> = {
  open: 'Still matching',
  unmatched: 'Unmatched',
};
const CLOSED_REASON: Record<string, string> = {
  no_matching_vacancy: 'no property matched the needs',
  all_offers_declined: 'every provider asked declined',
  all_offers_expired: 'no provider answered in time',
  matching_window_passed: 'the matching window passed',
};

const message = (e: unknown, fallback: string) => (e instanceof Error ? e.message : fallback);

/** `3 days 4 hours`, `5 hours 10 minutes`, `12 minutes`: how long someone has waited. */
export function waited(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (days > 0) return `${count(days, 'day')} ${count(hours % 24, 'hour')}`;
  if (hours > 0) return `${count(hours, 'hour')} ${count(minutes % 60, 'minute')}`;
  return count(minutes, 'minute');
}

function attempts(offers: WaitingRequest['offers']): string {
  if (offers.total === 0) return 'No provider asked yet';
  const parts = [
    offers.open > 0 && `${offers.open} awaiting an answer`,
    offers.declined > 0 && `${offers.declined} declined`,
    offers.expired > 0 && `${offers.expired} not answered in time`,
    offers.withdrawn > 0 && `${offers.withdrawn} withdrawn`,
  ].filter((p): p is string => typeof p === 'string');
  return `${count(offers.total, 'offer')}: ${parts.join(', ')}`;
}

/**
 * The bed requests nobody has accepted, oldest first: how long each has waited, what the
 * person needs (never who they are) and the offers tried so far.
 */
export function WaitingRequestsView() {
  const [filter, setFilter] = useState<WaitingFilter>('all');
  const [page, setPage] = useState<WaitingRequests | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback((which: WaitingFilter, offset: number) => {
    deskApi.waitingRequests(which, offset).then(
      (answer) => {
        setPage((before) =>
          before === null || offset === 0
            ? answer
            : { ...answer, requests: [...before.requests, ...answer.requests] },
        );
        setError(null);
      },
      (e: unknown) => {
        setError(message(e, 'The waiting bed requests could not be loaded.'));
      },
    );
  }, []);
  useEffect(() => {
    load(filter, 0);
  }, [filter, load]);

  return (
    <section aria-labelledby="waiting-title" className="desk">
      <h1 id="waiting-title">Bed requests waiting for a bed</h1>
      <p className="hint">
        Times are London time. Oldest first. No names are shown: only what the person needs.
      </p>
      <div className="controls inline">
        <label htmlFor="waiting-filter">Show</label>
        <select
          id="waiting-filter"
          value={filter}
          onChange={(event) => {
            setPage(null);
            setFilter(event.target.value as WaitingFilter);
          }}
        >
          {FILTERS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            load(filter, 0);
          }}
        >
          Refresh
        </button>
      </div>
      {error !== null && <p role="alert">{error}</p>}
      {page === null ? (
        error === null && <p>Loading requests…</p>
      ) : page.requests.length === 0 ? (
        <p role="status">No bed request is waiting.</p>
      ) : (
        <>
          <p role="status">
            {count(page.total, 'request')} waiting; showing the oldest {page.requests.length}.
          </p>
          <ol className="waiting">
            {page.requests.map((r) => (
              <WaitingItem key={r.requestId} request={r} />
            ))}
          </ol>
          {page.nextOffset !== null && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                if (page.nextOffset !== null) load(filter, page.nextOffset);
              }}
            >
              Show more
            </button>
          )}
        </>
      )}
    </section>
  );
}

function WaitingItem({ request: r }: { request: WaitingRequest }) {
  const titleId = `waiting-${r.requestId}`;
  const { needs } = r;
  return (
    <li
      className={`alert waiting-${r.state}`}
      aria-labelledby={titleId}
      data-request-id={r.requestId}
    >
      <h2 id={titleId} className="item-title">
        {STATE[r.state] ?? words(r.state)}: {words(needs.gender)}, {words(needs.ageGroup)},{' '}
        {words(needs.supportLevel)} support, from {boroughName(r.borough)}
      </h2>
      <dl className="facts">
        <div>
          <dt>Waiting</dt>
          <dd>
            <strong>{waited(r.waitingSeconds)}</strong>
            {r.state === 'unmatched' && r.closedAt !== null && (
              <>
                {' '}
                until matching stopped <time dateTime={r.closedAt}>{londonTime(r.closedAt)}</time>
                {r.closedReason !== null &&
                  `: ${CLOSED_REASON[r.closedReason] ?? words(r.closedReason)}`}
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Requested</dt>
          <dd>
            <time dateTime={r.submittedAt}>{londonTime(r.submittedAt)}</time> by{' '}
            {r.requestedBy.name}
          </dd>
        </div>
        <div>
          <dt>Needed</dt>
          <dd>
            {words(r.urgency.kind)}, by{' '}
            <time dateTime={r.urgency.neededBy}>{londonTime(r.urgency.neededBy)}</time>
          </dd>
        </div>
        <div>
          <dt>Needs</dt>
          <dd>
            {needs.accompanyingChildren === 0
              ? 'no children'
              : `with ${count(needs.accompanyingChildren, 'child').replace('childs', 'children')}`}
            ; languages: {languages(needs.languages)}; access needs: {list(needs.accessNeeds)};{' '}
            {words(needs.nrmStage)}
            {needs.nrpf ? '; no recourse to public funds' : ''}
          </dd>
        </div>
        <div>
          <dt>Offers so far</dt>
          <dd>
            {attempts(r.offers)}
            {r.offers.lastOfferedAt !== null && (
              <>
                ; last{' '}
                <time dateTime={r.offers.lastOfferedAt}>{londonTime(r.offers.lastOfferedAt)}</time>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Reference</dt>
          <dd className="reference">{r.requestId}</dd>
        </div>
      </dl>
    </li>
  );
}
