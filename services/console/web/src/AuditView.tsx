import { type SyntheticEvent, useEffect, useState } from 'react';
import type { Session } from './api';
import { type EntryCheck, checkEntries, londonDayEnd, londonDayStart } from './audit-chain';
import { type AuditEntry, type AuditFilter, deskApi } from './desk-api';
import { londonTime } from './london-time';

/** Each service's chains: notification also serves the identity store's. */
const CHAINS: { value: string; service: string; chain: string; label: string }[] = [
  {
    value: 'notification',
    service: 'notification',
    chain: 'notification',
    label: 'Notification: disclosures, acknowledgements, directory, dead-letter replays',
  },
  {
    value: 'identity',
    service: 'notification',
    chain: 'identity',
    label: 'Identity: keys, organisations, people and sign-ins',
  },
  { value: 'intake', service: 'intake', chain: 'intake', label: 'Intake: reads of personal data' },
  {
    value: 'accommodation',
    service: 'accommodation',
    chain: 'accommodation',
    label: 'Accommodation: reads of personal data',
  },
  {
    value: 'safeguarding',
    service: 'safeguarding',
    chain: 'safeguarding',
    label: 'Safeguarding: retention purge runs',
  },
];
const NOTIFICATION_CHAIN = CHAINS[0] as (typeof CHAINS)[number];

/** The actions (and families) the audit API filters on (AUDIT_ACTIONS in the platform). */
const ACTIONS = [
  'disclosure.',
  'disclosure.operational',
  'disclosure.personal',
  'acknowledgement',
  'personal_data.read',
  'key.',
  'identity.organisation.added',
  'person.',
  'person.signed_in',
  'directory.',
  'retention.purge',
  'dead_letter.replayed',
];
const CHECK: Record<EntryCheck, string> = {
  intact: 'Hash matches its contents',
  'hash-mismatch': 'Hash does NOT match its contents',
  'link-broken': 'Does NOT follow on from the entry before it',
};

const message = (e: unknown, fallback: string) => (e instanceof Error ? e.message : fallback);

function actorText(actor: Record<string, string>): string {
  const kind = actor['organisationKind'] === undefined ? '' : ` (${actor['organisationKind']})`;
  switch (actor['type']) {
    case 'person':
      return `Person ${actor['personId'] ?? ''}${kind}`;
    case 'api_key':
      return `API key ${actor['keyId'] ?? ''}${kind}`;
    case 'link':
      return `E-mailed link of delivery ${actor['deliveryId'] ?? ''}${kind}`;
    case 'system':
      return `Harbour (${actor['component'] ?? 'system'})`;
    case undefined:
      return 'unknown';
    default:
      return actor['type'];
  }
}

interface Shown {
  chain: (typeof CHAINS)[number];
  filter: AuditFilter;
  entries: AuditEntry[];
  next: number | null;
  checks: Map<number, EntryCheck> | null;
}

/**
 * The audit chains for the coordinator's administrators: pick a service's chain, filter by
 * action, resource and London days, and page back through it, newest first. Each entry shown is
 * checked in the browser against its hash and the entry before it (the whole chain is verified
 * with `harbour audit verify`). Entries hold ids, never personal data.
 */
export function AuditView({ session }: { session: Session }) {
  const isAdmin = session.person.roles.includes('admin');
  const [chainValue, setChainValue] = useState('notification');
  const [action, setAction] = useState('');
  const [resource, setResource] = useState('');
  const [fromDay, setFromDay] = useState('');
  const [toDay, setToDay] = useState('');
  const [shown, setShown] = useState<Shown | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const fetchPage = (chain: Shown['chain'], filter: AuditFilter, before?: number) => {
    setBusy(true);
    setError(null);
    deskApi
      .audit(chain.service, { ...filter, chain: chain.chain }, before)
      .then(async (page) => {
        const entries =
          before === undefined ? page.entries : [...(shown?.entries ?? []), ...page.entries];
        const checks = await checkEntries(entries);
        setShown({ chain, filter, entries, next: page.next, checks });
        setBusy(false);
      })
      .catch((e: unknown) => {
        setError(message(e, 'The audit log could not be read.'));
        setBusy(false);
      });
  };
  const search = (event?: SyntheticEvent) => {
    event?.preventDefault();
    const chain = CHAINS.find((c) => c.value === chainValue) ?? NOTIFICATION_CHAIN;
    const from = fromDay === '' ? undefined : (londonDayStart(fromDay) ?? undefined);
    const to = toDay === '' ? undefined : (londonDayEnd(toDay) ?? undefined);
    const filter: AuditFilter = {
      ...(action === '' ? {} : { action }),
      ...(resource.trim() === '' ? {} : { resource: resource.trim() }),
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    };
    fetchPage(chain, filter);
  };
  useEffect(() => {
    if (isAdmin) search();
    // Once, on opening: later searches are the form's.
  }, [isAdmin]);

  if (!isAdmin) {
    return (
      <section aria-labelledby="audit-title">
        <h1 id="audit-title">Audit log</h1>
        <p>The audit log is for your organisation’s administrators.</p>
      </section>
    );
  }
  const broken =
    shown === null || shown.checks === null
      ? 0
      : [...shown.checks.values()].filter((c) => c !== 'intact').length;
  const seqs = shown?.entries.map((e) => e.seq) ?? [];
  return (
    <section aria-labelledby="audit-title" className="desk">
      <h1 id="audit-title">Audit log</h1>
      <p className="hint">
        Who was told what, who read personal data, who changed keys and the directory. Newest first;
        times are London time. Entries hold ids, never personal data.
      </p>
      <form onSubmit={search} className="audit-filter">
        <div>
          <label htmlFor="audit-chain">Service’s log</label>
          <select
            id="audit-chain"
            value={chainValue}
            onChange={(event) => {
              setChainValue(event.target.value);
            }}
          >
            {CHAINS.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-action">Action</label>
          <select
            id="audit-action"
            value={action}
            onChange={(event) => {
              setAction(event.target.value);
            }}
          >
            <option value="">Any action</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a.endsWith('.') ? `${a}… (all)` : a}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-resource">Resource (kind, or kind:id)</label>
          <input
            id="audit-resource"
            value={resource}
            aria-describedby="audit-resource-hint"
            onChange={(event) => {
              setResource(event.target.value);
            }}
          />
          <p id="audit-resource-hint" className="hint">
            For example alert, or alert: followed by the alert’s id.
          </p>
        </div>
        <div className="inline dates">
          <div>
            <label htmlFor="audit-from">From (London day)</label>
            <input
              id="audit-from"
              type="date"
              value={fromDay}
              onChange={(event) => {
                setFromDay(event.target.value);
              }}
            />
          </div>
          <div>
            <label htmlFor="audit-to">To (London day, included)</label>
            <input
              id="audit-to"
              type="date"
              value={toDay}
              onChange={(event) => {
                setToDay(event.target.value);
              }}
            />
          </div>
        </div>
        <button type="submit" disabled={busy}>
          Show entries
        </button>
      </form>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {shown !== null && (
        <section aria-labelledby="audit-entries-title">
          <h2 id="audit-entries-title" className="section-title">
            {CHAINS.find((c) => c.value === shown.chain.value)?.label ?? shown.chain.chain}
          </h2>
          <div role="status" className="chain-check">
            {shown.entries.length === 0 ? (
              <p>No entry matches.</p>
            ) : shown.checks === null ? (
              <p>
                {shown.entries.length === 1 ? '1 entry' : `${shown.entries.length} entries`} shown.
                This browser cannot check hashes here; run <code>harbour audit verify</code>.
              </p>
            ) : broken === 0 ? (
              <p className="notice">
                Checked in your browser: each of the {shown.entries.length} entries shown (
                {Math.min(...seqs)} to {Math.max(...seqs)}) matches its hash, and each follows on
                from the entry before it where both are shown. This checks what is shown, not the
                whole chain: <code>harbour audit verify</code> does that.
              </p>
            ) : (
              <p className="flag">
                <strong>
                  {broken} of the entries shown fail the check: the log may have been altered.
                </strong>{' '}
                Run <code>harbour audit verify</code> and tell the data protection officer.
              </p>
            )}
          </div>
          <ol className="audit-entries">
            {shown.entries.map((entry) => {
              const check = shown.checks?.get(entry.seq);
              return (
                <li key={entry.seq} data-seq={entry.seq} className="audit-entry">
                  <h3 className="item-title">
                    {entry.seq}. {entry.action}{' '}
                    <span className="reference">
                      {entry.resource.kind}:{entry.resource.id}
                    </span>
                  </h3>
                  <dl className="facts">
                    <div>
                      <dt>When</dt>
                      <dd>
                        <time dateTime={entry.at}>{londonTime(entry.at)}</time>
                      </dd>
                    </div>
                    <div>
                      <dt>Who</dt>
                      <dd className="reference">{actorText(entry.actor)}</dd>
                    </div>
                    <div>
                      <dt>Why</dt>
                      <dd className="reference">{entry.reason}</dd>
                    </div>
                    <div>
                      <dt>Details</dt>
                      <dd className="reference">
                        {Object.keys(entry.details).length === 0
                          ? 'none'
                          : JSON.stringify(entry.details)}
                      </dd>
                    </div>
                    {check !== undefined && (
                      <div>
                        <dt>Check</dt>
                        <dd>
                          {check === 'intact' ? (
                            CHECK[check]
                          ) : (
                            <strong className="stale">{CHECK[check]}</strong>
                          )}
                        </dd>
                      </div>
                    )}
                  </dl>
                </li>
              );
            })}
          </ol>
          {shown.next !== null && (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => {
                if (shown.next !== null) fetchPage(shown.chain, shown.filter, shown.next);
              }}
            >
              Older entries
            </button>
          )}
        </section>
      )}
    </section>
  );
}
