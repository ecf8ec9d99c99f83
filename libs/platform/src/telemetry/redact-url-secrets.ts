import type { Span } from '@opentelemetry/api';

/**
 * URL parts that carry a credential: an acknowledgement link's token is the whole permission to
 * acknowledge an alert, and a console sign-in link's `?token=` the whole permission to sign in,
 * so neither may travel into traces as a span attribute; nor the query of the console's return
 * from an identity provider (its authorization code and state).
 */
const SECRET_PATH_SEGMENTS: readonly RegExp[] = [
  /(\/ack\/)[^/?#]+/,
  /((?:^|[?&])token=)[^&#]+/,
  /(\/auth\/oidc\/callback\?)[^#]+/,
];

export function redactUrlSecrets(url: string): string {
  return SECRET_PATH_SEGMENTS.reduce(
    (value, pattern) => value.replace(pattern, '$1[redacted]'),
    url,
  );
}

/** The URL attributes HTTP instrumentation records (old and stable semantic conventions). */
const URL_ATTRIBUTES = ['url.path', 'url.full', 'url.query', 'http.target', 'http.url'] as const;

/** Rewrites the URL attributes of an incoming-request span when its path carries a credential. */
export function redactRequestSpan(span: Span, url: string | undefined): void {
  if (url === undefined || redactUrlSecrets(url) === url) return;
  const redacted = redactUrlSecrets(url);
  for (const name of URL_ATTRIBUTES) span.setAttribute(name, redacted);
}
