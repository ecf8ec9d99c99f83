import { type SyntheticEvent, useCallback, useEffect, useRef, useState } from 'react';
import {
  api,
  ApiError,
  type CauseAlerts,
  type CauseKind,
  type OperationPage,
  type Session,
} from './api';
import { boroughName, count, words } from './labels';
import { londonTime } from './london-time';
import { type CauseAlert, eventsOf } from './timeline';

const CAUSE_KINDS: { value: CauseKind; label: string }[] = [
  { value: 'operation', label: 'Operation' },
  { value: 'missing_episode', label: 'Missing episode' },
  { value: 'referral', label: 'Referral' },
  { value: 'bed_request', label: 'Bed request' },
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Safeguarding's title for the flag raised when a place in a plan is linked to an open case. */
const VICTIM_FIRST = /^victim-first handling/i;
const PLANNERS = new Set(['police_borough', 'police_specialist', 'immigration']);

const message = (e: unknown, fallback: string) => (e instanceof Error ? e.message : fallback);

/**
 * A planner's operations and, for any cause the organisation owns (a coordinator: any cause),
 * the timeline of its alerts: requested, delivered to whom, acknowledged by whom with their
 * answers, stages released. Read only on a click: partners' answers may name people and their
 * showing is recorded.
 */
export function OperationsView({ session }: { session: Session }) {
  const planner = PLANNERS.has(session.organisation.kind);
  const [page, setPage] = useState<OperationPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cause, setCause] = useState<{ kind: CauseKind; id: string } | null>(null);

  const more = useCallback((offset: number) => {
    api.operations(offset).then(
      (answer) => {
        setPage((before) =>
          before === null || offset === 0
            ? answer
            : { ...answer, operations: [...before.operations, ...answer.operations] },
        );
        setError(null);
      },
      (e: unknown) => {
        setError(message(e, 'Your operations could not be loaded.'));
      },
    );
  }, []);
  useEffect(() => {
    if (planner) more(0);
  }, [planner, more]);

  return (
    <>
      {planner && (
        <section aria-labelledby="operations-title">
          <h1 id="operations-title">Operations planned by {session.organisation.name}</h1>
          <p className="hint">Times are London time. Newest planned start first.</p>
          {error !== null && <p role="alert">{error}</p>}
          {page === null ? (
            error === null && <p>Loading operations…</p>
          ) : page.operations.length === 0 ? (
            <p>Your organisation has planned no operation.</p>
          ) : (
            <div className="table-scroll">
              <table className="operations">
                <caption>{count(page.total, 'operation')}</caption>
                <thead>
                  <tr>
                    <th scope="col">Planned start</th>
                    <th scope="col">Operation</th>
                    <th scope="col">Borough</th>
                    <th scope="col">State</th>
                    <th scope="col">Alerts</th>
                  </tr>
                </thead>
                <tbody>
                  {page.operations.map((operation) => (
                    <tr key={operation.operationId} data-operation-id={operation.operationId}>
                      <td>
                        <time dateTime={operation.plannedStart}>
                          {londonTime(operation.plannedStart)}
                        </time>
                      </td>
                      <td>
                        {words(operation.kind)} at {words(operation.premisesKind)}
                      </td>
                      <td>{boroughName(operation.borough)}</td>
                      <td>{words(operation.state)}</td>
                      <td>
                        <button
                          type="button"
                          className="secondary small"
                          aria-pressed={cause?.id === operation.operationId}
                          onClick={() => {
                            setCause({ kind: 'operation', id: operation.operationId });
                          }}
                        >
                          Show timeline
                          <span className="visually-hidden">
                            {' '}
                            of the {words(operation.kind)} starting{' '}
                            {londonTime(operation.plannedStart)}
                          </span>
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {page !== null && page.nextOffset !== null && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                if (page.nextOffset !== null) more(page.nextOffset);
              }}
            >
              Show more operations ({page.operations.length} of {page.total} shown)
            </button>
          )}
        </section>
      )}
      <CauseLookup
        heading={planner ? 'Another of your causes' : 'Alert timeline of a cause'}
        onChoose={setCause}
      />
      {cause !== null && <Timeline key={`${cause.kind}/${cause.id}`} cause={cause} />}
    </>
  );
}

function CauseLookup({
  heading,
  onChoose,
}: {
  heading: string;
  onChoose: (cause: { kind: CauseKind; id: string }) => void;
}) {
  const [kind, setKind] = useState<CauseKind>('operation');
  const [id, setId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    const reference = id.trim();
    if (!UUID.test(reference)) {
      setError('Enter the reference exactly as it was given, e.g. 3f2b…-…: 36 characters.');
      return;
    }
    setError(null);
    onChoose({ kind, id: reference.toLowerCase() });
  };
  return (
    <section aria-labelledby="lookup-title" className="lookup">
      <h2 id="lookup-title" className="section-title">
        {heading}
      </h2>
      <form onSubmit={submit} noValidate>
        <label htmlFor="cause-kind">What it is</label>
        <select
          id="cause-kind"
          value={kind}
          onChange={(event) => {
            setKind(event.target.value as CauseKind);
          }}
        >
          {CAUSE_KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
        <label htmlFor="cause-id">Its reference</label>
        <input
          id="cause-id"
          value={id}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={error === null ? undefined : 'cause-id-error'}
          aria-invalid={error !== null}
          onChange={(event) => {
            setId(event.target.value);
          }}
        />
        {error !== null && (
          <p id="cause-id-error" className="error">
            {error}
          </p>
        )}
        <button type="submit">Show its alert timeline</button>
      </form>
    </section>
  );
}

function Timeline({ cause }: { cause: { kind: CauseKind; id: string } }) {
  const [view, setView] = useState<CauseAlerts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    api.causeAlerts(cause.kind, cause.id).then(
      (answer) => {
        setView(answer);
        setError(null);
      },
      (e: unknown) => {
        setError(
          e instanceof ApiError && e.status === 404
            ? 'No alert of this has been raised for your organisation yet.'
            : message(e, 'The alert timeline could not be loaded.'),
        );
      },
    );
  }, [cause.kind, cause.id]);
  useEffect(() => {
    if (view !== null || error !== null) heading.current?.focus();
  }, [view, error]);

  const flagged = view?.alerts.some((a) => VICTIM_FIRST.test(a.title)) ?? false;
  return (
    <section aria-labelledby="timeline-title" className="timeline-view">
      <h2 id="timeline-title" className="section-title" tabIndex={-1} ref={heading}>
        Alert timeline: {CAUSE_KINDS.find((k) => k.value === cause.kind)?.label ?? cause.kind}{' '}
        <span className="reference">{cause.id}</span>
      </h2>
      {error !== null && <p role="alert">{error}</p>}
      {view === null && error === null && <p>Loading the timeline…</p>}
      {view !== null && (
        <>
          <p className="hint">
            Times are London time. Partners’ answers may name people: your viewing of them is
            recorded.
          </p>
          {flagged && (
            <p className="flag" role="note">
              <strong>Victim-first handling.</strong> A place in this plan is linked to an open
              case: treat everyone found as a potential victim first.
            </p>
          )}
          <ol className="cause-alerts">
            {view.alerts.map((alert) => (
              <AlertTimeline key={alert.alertId} alert={alert} />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function AlertTimeline({ alert }: { alert: CauseAlert }) {
  const { events, pending } = eventsOf(alert);
  const acknowledged = alert.recipients.filter((r) => r.acknowledgedAt !== undefined).length;
  const titleId = `timeline-${alert.alertId}`;
  return (
    <li
      className={`alert severity-${alert.severity}${VICTIM_FIRST.test(alert.title) ? ' victim-first' : ''}`}
      aria-labelledby={titleId}
      data-alert-id={alert.alertId}
    >
      <h3 id={titleId}>
        <span className="severity">{words(alert.severity)}</span> {alert.title}
      </h3>
      <p>
        {words(alert.state)}: sent to {count(alert.recipients.length, 'organisation')},{' '}
        {acknowledged} acknowledged.
        {alert.supersedes !== undefined && ' It replaced an earlier alert of this cause.'}
      </p>
      <ol className="timeline">
        {events.map((event, index) => (
          <li key={`${index}-${event.at}`} className={`event event-${event.kind}`}>
            <time dateTime={event.at}>{londonTime(event.at)}</time>
            <span>
              {event.text}
              {event.quote !== undefined && (
                <>
                  : <q>{event.quote}</q>
                </>
              )}
            </span>
          </li>
        ))}
      </ol>
      {pending.length > 0 && (
        <>
          <h4>Not delivered yet</h4>
          <ul>
            {pending.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </li>
  );
}
