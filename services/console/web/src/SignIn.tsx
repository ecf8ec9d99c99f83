import { type SyntheticEvent, useEffect, useState } from 'react';
import { api } from './api';

/** How the console lets people sign in (`GET /auth/methods`, ADR-37). */
interface SignInMethods {
  emailLink: boolean;
  provider: { name: string; start: string } | null;
}

/** Ask for an e-mailed sign-in link. The answer is the same whether or not the address is known. */
export function SignIn() {
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setSending(true);
    setError(null);
    api.requestLink(email).then(
      (answer) => {
        setMessage(answer.message);
        setSending(false);
      },
      (e: unknown) => {
        setError(e instanceof Error ? e.message : 'Something went wrong.');
        setSending(false);
      },
    );
  };

  // Sign-in through the organisation's identity provider, when the console has one.
  const [methods, setMethods] = useState<SignInMethods | null>(null);
  useEffect(() => {
    fetch('/auth/methods')
      .then((response) => (response.ok ? (response.json() as Promise<SignInMethods>) : null))
      .then(setMethods, () => {
        setMethods(null);
      });
  }, []);
  const provider = methods?.provider != null && (
    <p>
      <a href={methods.provider.start}>Sign in with {methods.provider.name}</a>
    </p>
  );
  if (methods?.emailLink === false) {
    return (
      <main className="page narrow">
        <h1>Sign in to Harbour</h1>
        {provider}
      </main>
    );
  }

  return (
    <main className="page narrow">
      <h1>Sign in to Harbour</h1>
      {provider}
      <p>
        Enter your work e-mail address. We will send you a link that signs you in; it works once,
        for 15 minutes.
      </p>
      <form onSubmit={submit} noValidate>
        <label htmlFor="email">Work e-mail address</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => {
            setEmail(event.target.value);
          }}
          aria-describedby={error === null ? undefined : 'email-error'}
        />
        {error !== null && (
          <p id="email-error" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={sending}>
          Send me a sign-in link
        </button>
      </form>
      {message !== null && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
    </main>
  );
}
