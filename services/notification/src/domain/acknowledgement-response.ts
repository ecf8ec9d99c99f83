/** Longest response a partner may send with an acknowledgement (the table allows no more). */
export const MAX_RESPONSE_LENGTH = 500;

export type ResponseVerdict =
  { ok: true; response: string | null } | { ok: false; message: string };

// Control characters other than tab and line breaks have no place in a short reply.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * A partner's optional free-text reply ("2 caseworkers and an Albanian interpreter available"):
 * trimmed, line breaks normalised, empty means none. It may name people, so callers must never
 * log it and messages here never quote it.
 */
export function readAcknowledgementResponse(value: unknown): ResponseVerdict {
  if (value === undefined || value === null) return { ok: true, response: null };
  if (typeof value !== 'string') return { ok: false, message: 'must be a string' };
  const text = value.replace(/\r\n?/g, '\n').trim();
  if (CONTROL.test(text)) return { ok: false, message: 'must not contain control characters' };
  // Code points, as Postgres's char_length counts them (not UTF-16 units, not graphemes).
  if (Array.from(text).length > MAX_RESPONSE_LENGTH) {
    return { ok: false, message: `must be at most ${MAX_RESPONSE_LENGTH} characters` };
  }
  return { ok: true, response: text === '' ? null : text };
}
