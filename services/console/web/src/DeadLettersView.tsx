import { type SyntheticEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { Session } from './api';
import { type DeadLetter, type DeadLetterList, type DeadLetterTopics, deskApi } from './desk-api';
import { count, words } from './labels';
import { londonTime } from './london-time';

const REASON: Record<string, string> = {
  'invalid-envelope': 'Not a valid event envelope',
  'invalid-payload': 'Event body broke its contract',
  'handler-failed': 'The consumer failed every retry',
};

const message = (e: unknown, fallback: string) => (e instanceof Error ? e.message : fallback);

/**
 * Dead letters for the coordinator's administrators: each topic's count, a topic's dead letters
 * by their headers (type, id, when and why: never the event's body, which holds personal data)
 * and a replay of the chosen ones after a confirm step. Each replay is recorded in the audit
 * chain; the list says which were replayed before, and when.
 */
export function DeadLettersView({ session }: { session: Session }) {
  const [topics, setTopics] = useState<DeadLetterTopics | null>(null);
  const [topic, setTopic] = useState<string | null>(null);
  const [list, setList] = useState<DeadLetterList | null>(null);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  const isAdmin = session.person.roles.includes('admin');

  const loadTopics = useCallback(() => {
    deskApi.deadLetterTopics().then(setTopics, (e: unknown) => {
      setError(message(e, 'The dead-letter topics could not be loaded.'));
    });
  }, []);
  const loadList = useCallback((name: string) => {
    setList(null);
    setError(null);
    deskApi.deadLetters(name).then(
      (answer) => {
        setList(answer);
      },
      (e: unknown) => {
        setError(message(e, 'The dead letters could not be loaded.'));
      },
    );
  }, []);
  useEffect(() => {
    if (isAdmin) loadTopics();
  }, [isAdmin, loadTopics]);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const open = (name: string) => {
    setTopic(name);
    setChosen(new Set());
    setConfirming(false);
    setStatus(null);
    loadList(name);
  };
  const toggle = (position: string, on: boolean) => {
    setChosen((before) => {
      const after = new Set(before);
      if (on) after.add(position);
      else after.delete(position);
      return after;
    });
  };
  const ask = (event: SyntheticEvent) => {
    event.preventDefault();
    if (chosen.size === 0) {
      setError('Choose at least one dead letter to replay.');
      return;
    }
    setError(null);
    setConfirming(true);
  };
  const replay = () => {
    if (topic === null) return;
    const positions = [...chosen];
    setBusy(true);
    deskApi.replay(topic, positions).then(
      (answer) => {
        setBusy(false);
        setConfirming(false);
        setChosen(new Set());
        setStatus(
          `Replayed ${count(answer.replayed.length, 'dead letter')} to ${answer.topic}. The replay is recorded in the audit log.`,
        );
        loadList(topic);
        loadTopics();
      },
      (e: unknown) => {
        setBusy(false);
        setConfirming(false);
        setError(message(e, 'The replay failed: nothing was replayed.'));
      },
    );
  };

  if (!isAdmin) {
    return (
      <section aria-labelledby="dlq-title">
        <h1 id="dlq-title">Dead letters</h1>
        <p>Dead letters are for your organisation’s administrators.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="dlq-title" className="desk">
      <h1 id="dlq-title">Dead letters</h1>
      <p className="hint">
        Events a service could not process, by topic. Times are London time. The event’s contents
        are never shown here: only its type, id, and when and why it failed. Replaying sends the
        event to its topic again; services that already processed it ignore it.
      </p>
      {topics === null ? (
        error === null && <p>Loading topics…</p>
      ) : (
        <ul className="topics">
          {topics.topics.map((t) => (
            <li key={t.topic}>
              <button
                type="button"
                className="link-like"
                aria-current={topic === t.topic ? 'true' : undefined}
                data-topic={t.topic}
                onClick={() => {
                  open(t.topic);
                }}
              >
                <span className="reference">{t.topic}</span>:{' '}
                {t.deadLetters === 0 ? 'none' : count(t.deadLetters, 'dead letter')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div aria-live="polite">
        {status !== null && (
          <p className="notice" role="status">
            {status}
          </p>
        )}
      </div>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {topic !== null && (
        <section aria-labelledby="dlq-topic-title">
          <h2 id="dlq-topic-title" className="section-title">
            Dead letters of <span className="reference">{topic}</span>
          </h2>
          {list === null ? (
            error === null && <p>Reading the dead-letter topic…</p>
          ) : list.deadLetters.length === 0 ? (
            <p>This topic has no dead letters.</p>
          ) : (
            <form onSubmit={ask} aria-describedby="dlq-count">
              <p id="dlq-count">
                {count(list.total, 'dead letter')}
                {list.total > list.deadLetters.length &&
                  `; the newest ${list.deadLetters.length} are listed`}
                . Choose those to replay.
              </p>
              <ul className="dead-letters">
                {list.deadLetters.map((d) => (
                  <DeadLetterItem
                    key={d.position}
                    letter={d}
                    personId={session.person.id}
                    checked={chosen.has(d.position)}
                    disabled={busy || confirming}
                    onChange={toggle}
                  />
                ))}
              </ul>
              {!confirming && (
                <button type="submit" disabled={busy}>
                  Replay chosen ({chosen.size})
                </button>
              )}
              {confirming && (
                <div
                  className="flag confirm"
                  role="alertdialog"
                  aria-labelledby="dlq-confirm-title"
                  aria-describedby="dlq-confirm-text"
                  tabIndex={-1}
                  ref={confirmRef}
                >
                  <h3 id="dlq-confirm-title">Replay {count(chosen.size, 'dead letter')}?</h3>
                  <p id="dlq-confirm-text">
                    {chosen.size === 1 ? 'It goes' : 'They go'} back to{' '}
                    <span className="reference">{topic}</span> at positions {[...chosen].join(', ')}
                    . Your replay is recorded in the audit log as yours.
                  </p>
                  <div className="inline">
                    <button type="button" disabled={busy} onClick={replay}>
                      Yes, replay
                    </button>
                    <button
                      type="button"
                      className="secondary"
                      disabled={busy}
                      onClick={() => {
                        setConfirming(false);
                      }}
                    >
                      Cancel
                    </button>
                  </div>
                </div>
              )}
            </form>
          )}
        </section>
      )}
    </section>
  );
}

function DeadLetterItem({
  letter: d,
  personId,
  checked,
  disabled,
  onChange,
}: {
  letter: DeadLetter;
  personId: string;
  checked: boolean;
  disabled: boolean;
  onChange: (position: string, on: boolean) => void;
}) {
  const id = `dlq-${d.position.replace(':', '-')}`;
  return (
    <li className="dead-letter" data-position={d.position} data-event-id={d.eventId ?? ''}>
      <div className="check">
        <input
          type="checkbox"
          id={id}
          checked={checked}
          disabled={disabled}
          onChange={(event) => {
            onChange(d.position, event.target.checked);
          }}
        />
        <label htmlFor={id}>
          Replay {d.eventType ?? 'event without a type'} at {d.position}
        </label>
      </div>
      <dl className="facts">
        <div>
          <dt>Why</dt>
          <dd>
            {REASON[d.reason] ?? words(d.reason)}
            {d.error !== '' && <span className="block reference">{d.error}</span>}
          </dd>
        </div>
        <div>
          <dt>Failed</dt>
          <dd>
            {d.failedAt === null ? (
              'time not recorded'
            ) : (
              <time dateTime={d.failedAt}>{londonTime(d.failedAt)}</time>
            )}
            {d.consumer !== null && ` in ${d.consumer}`}
          </dd>
        </div>
        <div>
          <dt>Event id</dt>
          <dd className="reference">{d.eventId ?? 'none'}</dd>
        </div>
        <div>
          <dt>Replayed</dt>
          <dd>
            {d.replays.length === 0
              ? 'Never'
              : d.replays.map((r, index) => (
                  <span key={`${r.at}-${index}`} className="block">
                    <time dateTime={r.at}>{londonTime(r.at)}</time>
                    {r.actor.personId === personId ? ' by you' : ''}
                  </span>
                ))}
          </dd>
        </div>
      </dl>
    </li>
  );
}
