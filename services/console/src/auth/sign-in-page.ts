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
