/** Hosts a plain-http webhook may point at: this machine only (local partners and tests). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const MAX_URL_LENGTH = 2048;

/**
 * Why a webhook URL is unusable, or null when it is fine: it must be an absolute https URL
 * (http only for this machine), without credentials, since alerts about people travel on it.
 */
export function webhookUrlProblem(value: string): string | null {
  if (value.length > MAX_URL_LENGTH)
    return `the webhook URL is longer than ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'the webhook URL must not contain a user name or password: the request is signed instead';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
  if (url.protocol === 'http:') {
    return `the webhook URL must use https (plain http only for 127.0.0.1 or localhost)`;
  }
  return `the webhook URL must be an https URL, not ${url.protocol.replace(/:$/, '')}`;
}
