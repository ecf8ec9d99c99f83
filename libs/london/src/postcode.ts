const OUTWARD = /^[A-Z]{1,2}[0-9][A-Z0-9]?$/;
const INWARD = /^[0-9][A-Z]{2}$/;
/** The Girobank postcode: valid, though it fits neither pattern. */
const GIROBANK = 'GIR0AA';

/**
 * A UK postcode in its one canonical form, `"OUT IN"` with a single space (e.g. `SW1A 1AA`), or
 * `undefined` when the text is not a postcode. Case and spacing are ignored, so `sw1a1aa`,
 * ` SW1A  1AA ` and `Sw1a 1aa` are the same postcode: lookups by postcode compare this form.
 * Checks the format only, not that the postcode exists.
 */
export function normalisePostcode(raw: string): string | undefined {
  const compact = raw.toUpperCase().replace(/\s+/g, '');
  if (compact === GIROBANK) return 'GIR 0AA';
  if (compact.length < 5 || compact.length > 7) return undefined;
  const outward = compact.slice(0, -3);
  const inward = compact.slice(-3);
  if (!OUTWARD.test(outward) || !INWARD.test(inward)) return undefined;
  return `${outward} ${inward}`;
}

/** A postcode at the very end of an address line, with or without its space. */
const TRAILING_POSTCODE = /\s*\b(?:GIR\s*0AA|[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2})$/;

/**
 * An address in a form that compares equal however it was typed: upper case, punctuation turned
 * into spaces, runs of spaces collapsed, and a trailing postcode dropped (the postcode is matched
 * on its own). `"12a, Acacia Avenue. London  e15 1aa"` → `"12A ACACIA AVENUE LONDON"`.
 * Returns `undefined` when nothing is left.
 */
export function normaliseAddress(raw: string): string | undefined {
  const words = raw
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  const withoutPostcode = words.replace(TRAILING_POSTCODE, '').replace(/\s+/g, ' ').trim();
  return withoutPostcode === '' ? undefined : withoutPostcode;
}
