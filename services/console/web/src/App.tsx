import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Session } from './api';
import { AuditView } from './AuditView';
import { BedAvailabilityView } from './BedAvailabilityView';
import { DeadLettersView } from './DeadLettersView';
import { InboxView } from './InboxView';
import { LondonMapView } from './LondonMapView';
import { OperationsView } from './OperationsView';
import { ProviderView } from './ProviderView';
import { SignIn } from './SignIn';
import { WaitingRequestsView } from './WaitingRequestsView';

type View =
  'inbox' | 'map' | 'beds' | 'operations' | 'availability' | 'waiting' | 'deadLetters' | 'audit';

/** The organisations that plan operations (police and UKVI). */
const PLANNERS = new Set(['police_borough', 'police_specialist', 'immigration']);

/** The views an organisation's people have, the first being where they start. */
export function viewsOf(kind: string): { view: View; label: string }[] {
  if (kind === 'coordinator') {
    return [
      { view: 'map', label: 'London map' },
      { view: 'inbox', label: 'Alerts' },
      { view: 'operations', label: 'Alert timeline' },
      { view: 'availability', label: 'Beds' },
      { view: 'waiting', label: 'Waiting requests' },
      { view: 'deadLetters', label: 'Dead letters' },
      { view: 'audit', label: 'Audit log' },
    ];
  }
  if (kind === 'housing_provider') {
    return [
      { view: 'beds', label: 'Offers and beds' },
      { view: 'inbox', label: 'Alerts' },
    ];
  }
  if (PLANNERS.has(kind)) {
    return [
      { view: 'inbox', label: 'Alerts' },
      { view: 'operations', label: 'My operations' },
    ];
  }
  return [{ view: 'inbox', label: 'Alerts' }];
}

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [view, setView] = useState<View>('inbox');
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.session().then(
      (s) => {
        setSession(s);
        setView(viewsOf(s.organisation.kind)[0]?.view ?? 'inbox');
      },
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 401) setSession(null);
        else setError('The console cannot reach its server. Try again shortly.');
      },
    );
  }, []);
  useEffect(load, [load]);

  const signOut = (everywhere: boolean) => {
    (everywhere ? api.signOutEverywhere() : api.signOut()).then(
      () => {
        setSession(null);
      },
      () => {
        setError('Signing out failed. Try again.');
      },
    );
  };

  if (session === undefined) {
    return (
      <main className="page" aria-busy="true">
        {error === null ? <p>Loading…</p> : <p role="alert">{error}</p>}
      </main>
    );
  }
  if (session === null) return <SignIn />;

  const views = viewsOf(session.organisation.kind);
  const current = views.some((v) => v.view === view) ? view : 'inbox';
  return (
    <>
      <header className="top">
        <div className="brand">
          <span className="product">Harbour</span>
          <span className="organisation">{session.organisation.name}</span>
        </div>
        <nav aria-label="Console">
          <ul>
            {views.map(({ view: v, label }) => (
              <li key={v}>
                <button
                  type="button"
                  className="link"
                  aria-current={current === v ? 'page' : undefined}
                  onClick={() => {
                    setView(v);
                  }}
                >
                  {label}
                </button>
              </li>
            ))}
            <li>
              <button
                type="button"
                className="link"
                onClick={() => {
                  signOut(false);
                }}
              >
                Sign out
              </button>
            </li>
            <li>
              <button
                type="button"
                className="link"
                onClick={() => {
                  signOut(true);
                }}
              >
                Sign out everywhere
              </button>
            </li>
          </ul>
        </nav>
      </header>
      <main className="page" id="main">
        {error !== null && <p role="alert">{error}</p>}
        {current === 'map' && <LondonMapView />}
        {current === 'beds' && <ProviderView session={session} />}
        {current === 'operations' && <OperationsView session={session} />}
        {current === 'inbox' && <InboxView session={session} />}
        {current === 'availability' && <BedAvailabilityView />}
        {current === 'waiting' && <WaitingRequestsView />}
        {current === 'deadLetters' && <DeadLettersView session={session} />}
        {current === 'audit' && <AuditView session={session} />}
      </main>
    </>
  );
}
