/**
 * The page a sign-in link opens. It shows a button rather than signing in at once: mail
 * scanners and link previews fetch every link in a message (GET), and must not spend the
 * single-use token; only the person's POST does. No script, no inline style: the console's
 * content security policy forbids both.
 */
export function signInPage(token: string): string {
  return page(
    'Sign in to Harbour',
    `<h1>Sign in to Harbour</h1>
    <p>You asked to sign in to the Harbour partner console. This link works once, for 15 minutes.</p>
    <form method="post" action="/auth/callback">
      <input type="hidden" name="token" value="${escapeHtml(token)}">
      <button type="submit">Sign in</button>
    </form>
    <p>If you did not ask for this, close this page: nothing happens without the button.</p>`,
  );
}

/** The same page for every reason a link cannot be used: nobody learns why. */
export function signInFailedPage(): string {
  return page(
    'This sign-in link cannot be used',
    `<h1>This sign-in link cannot be used</h1>
    <p>It has expired, has been used already, or was not issued by Harbour.</p>
    <p><a href="/">Ask for a new link</a></p>`,
  );
}

/**
 * The same page for every reason a return from the identity provider signs nobody in (no such
 * person, an unverified address, a stale or forged answer, the provider refused): nobody learns
 * from it whether an address has an account.
 */
export function oidcSignInFailedPage(providerName: string): string {
  return page(
    'You could not be signed in',
    `<h1>You could not be signed in</h1>
    <p>Harbour could not sign you in with ${escapeHtml(providerName)}. Harbour signs in only
    people their organisation has added, with the work e-mail address it knows them by.</p>
    <p>If you think you should have access, ask your organisation's Harbour administrator.</p>
    <p><a href="/">Back to sign-in</a></p>`,
  );
}

/** The identity provider could not be reached to start signing in. */
export function oidcUnavailablePage(providerName: string): string {
  return page(
    'Sign-in is not available just now',
    `<h1>Sign-in is not available just now</h1>
    <p>Harbour could not reach ${escapeHtml(providerName)}. Try again in a few minutes.</p>
    <p><a href="/">Back to sign-in</a></p>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en-GB">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(title)}</title>
    <link rel="stylesheet" href="/sign-in.css">
  </head>
  <body>
    <main>
    ${body}
    </main>
  </body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
