import { type SyntheticEvent, useCallback, useEffect, useState } from 'react';
import { api, type Inbox, type InboxAlert, type Session } from './api';
import { AlertDetailsPanel } from './AlertDetailsPanel';
import { londonTime } from './london-time';

const REFRESH_MS = 15_000;
const SEVERITY: Record<string, string> = {
  critical: 'Critical',
  high: 'High',
  informational: 'Informational',
};
const STATE: Record<string, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  superseded: 'Superseded',
  closed: 'Closed',
};

/**
 * The alerts addressed to my organisation: those waiting for us first, most urgent first. It
 * refreshes by itself, so new alerts and escalations appear as they come.
 */
export function InboxView({ session }: { session: Session }) {
  const [inbox, setInbox] = useState<Inbox | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canRespond = session.person.roles.includes('respond');

  const load = useCallback(() => {
    api.inbox().then(
      (page) => {
        setInbox(page);
        setError(null);
      },
      (e: unknown) => {
        setError(e instanceof Error ? e.message : 'The alerts could not be loaded.');
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

  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">Alerts for {session.organisation.name}</h1>
      <p className="hint">Times are London time. The list refreshes every 15 seconds.</p>
      {error !== null && <p role="alert">{error}</p>}
      {inbox === null ? (
        <p>Loading alerts…</p>
      ) : inbox.alerts.length === 0 ? (
        <p>No alerts have been sent to your organisation.</p>
      ) : (
        <ol className="alerts" aria-label={`${inbox.total} alerts`}>
          {inbox.alerts.map((alert) => (
            <AlertItem key={alert.alertId} alert={alert} canRespond={canRespond} onDone={load} />
          ))}
        </ol>
      )}
    </section>
  );
}

function AlertItem({
  alert,
  canRespond,
  onDone,
}: {
  alert: InboxAlert;
  canRespond: boolean;
  onDone: () => void;
}) {
  const [response, setResponse] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const live = alert.state === 'open' || alert.state === 'acknowledged';
  const awaiting = live && !alert.acknowledgedByUs;
  const titleId = `alert-${alert.alertId}`;

  const acknowledge = (event: SyntheticEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    api.acknowledge(alert.alertId, response).then(
      () => {
        setBusy(false);
        onDone();
      },
      (e: unknown) => {
        setBusy(false);
        setError(e instanceof Error ? e.message : 'The acknowledgement failed.');
      },
    );
  };

  return (
    <li
      className={`alert severity-${alert.severity}${awaiting ? ' awaiting' : ''}`}
      aria-labelledby={titleId}
      data-alert-id={alert.alertId}
    >
      <h2 id={titleId}>
        <span className="severity">{SEVERITY[alert.severity] ?? alert.severity}</span> {alert.title}
      </h2>
      <dl className="facts">
        <div>
          <dt>State</dt>
          <dd>
            {STATE[alert.state] ?? alert.state}
            {alert.acknowledgedByUsAt !== null &&
              ` — acknowledged by you ${londonTime(alert.acknowledgedByUsAt)}`}
          </dd>
        </div>
        <div>
          <dt>Acknowledge by</dt>
          <dd>
            <time dateTime={alert.acknowledgeBy}>{londonTime(alert.acknowledgeBy)}</time>
          </dd>
        </div>
        <div>
          <dt>Disclosure</dt>
          <dd>{alert.disclosureLevel}</dd>
        </div>
        <div>
          <dt>Sent to you</dt>
          <dd>
            <time dateTime={alert.deliveredAt}>{londonTime(alert.deliveredAt)}</time>
          </dd>
        </div>
      </dl>
      {live && <AlertDetailsPanel alertId={alert.alertId} title={alert.title} />}
      {awaiting && canRespond && (
        <form onSubmit={acknowledge} className="acknowledge">
          <label htmlFor={`response-${alert.alertId}`}>
            Your response (optional), e.g. “2 caseworkers, Albanian interpreter”
          </label>
          <textarea
            id={`response-${alert.alertId}`}
            maxLength={500}
            rows={2}
            value={response}
            onChange={(event) => {
              setResponse(event.target.value);
            }}
          />
          <button type="submit" disabled={busy}>
            Acknowledge
          </button>
          {error !== null && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
        </form>
      )}
    </li>
  );
}
