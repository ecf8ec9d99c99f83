import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Session } from './api';
import { InboxView } from './InboxView';
import { LondonMapView } from './LondonMapView';
import { SignIn } from './SignIn';

type View = 'inbox' | 'map';

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [view, setView] = useState<View>('inbox');
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.session().then(
      (s) => {
        setSession(s);
        setView(s.organisation.kind === 'coordinator' ? 'map' : 'inbox');
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

  const coordinator = session.organisation.kind === 'coordinator';
  return (
    <>
      <header className="top">
        <div className="brand">
          <span className="product">Harbour</span>
          <span className="organisation">{session.organisation.name}</span>
        </div>
        <nav aria-label="Console">
          <ul>
            <li>
              <button
                type="button"
                className="link"
                aria-current={view === 'inbox' ? 'page' : undefined}
                onClick={() => {
                  setView('inbox');
                }}
              >
                Alerts
              </button>
            </li>
            {coordinator && (
              <li>
                <button
                  type="button"
                  className="link"
                  aria-current={view === 'map' ? 'page' : undefined}
                  onClick={() => {
                    setView('map');
                  }}
                >
                  London map
                </button>
              </li>
            )}
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
        {view === 'map' && coordinator ? <LondonMapView /> : <InboxView session={session} />}
      </main>
    </>
  );
}
