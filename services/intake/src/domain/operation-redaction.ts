/** The mark redacted text is replaced with (the same as the platform's log redaction). */
export const REDACTED = '[REDACTED]';

/**
 * A run that may be a phone number: an optional `+`, then digits with the spaces, dots, dashes
 * and brackets people type in them (`+44 (0)20 7946 0001`, `07700-900123`).
 */
const PHONE_CANDIDATE = /(?<![\w+])\+?\(?\d[\d ().-]{5,}\d(?!\w)/g;

/** UK numbers have 10 or 11 digits and E.164 at most 15; fewer than 9 is a count or a date. */
const MIN_PHONE_DIGITS = 9;
const MAX_PHONE_DIGITS = 15;

/** Replaces phone numbers (UK or international, however spaced) in free text. */
export function redactPhoneNumbers(text: string): string {
  return text.replace(PHONE_CANDIDATE, (candidate) => {
    const digits = candidate.replace(/\D/g, '').length;
    return digits >= MIN_PHONE_DIGITS && digits <= MAX_PHONE_DIGITS ? REDACTED : candidate;
  });
}
