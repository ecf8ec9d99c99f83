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

/**
 * Royal Mail postcode areas that London's 33 local authorities lie in: the eight London areas
 * wholly, and the outer areas that cross the Greater London boundary.
 */
const LONDON_POSTCODE_AREAS: ReadonlySet<string> = new Set([
  'E',
  'EC',
  'N',
  'NW',
  'SE',
  'SW',
  'W',
  'WC',
  'BR',
  'CR',
  'DA',
  'EN',
  'HA',
  'IG',
  'KT',
  'RM',
  'SM',
  'TW',
  'UB',
]);

/** Districts of otherwise non-London areas that reach into a London borough (Bromley's Biggin Hill, Knockholt). */
const LONDON_DISTRICTS_OUTSIDE_LONDON_AREAS: ReadonlySet<string> = new Set(['TN14', 'TN16']);

/**
 * Whether a postcode lies in a postcode area or district that covers part of Greater London.
 * Catches a postcode from another city (M1 1AA, B1 1AA) or a typo into one; an outer area also
 * covers towns beyond the boundary (KT22 is Leatherhead), so this is a plausibility check, not a
 * borough lookup. `undefined` for text that is not a postcode at all.
 */
export function isLondonPostcode(raw: string): boolean | undefined {
  const postcode = normalisePostcode(raw);
  if (postcode === undefined) return undefined;
  const outward = postcode.split(' ')[0] ?? '';
  const area = outward.replace(/[0-9].*$/, '');
  return LONDON_POSTCODE_AREAS.has(area) || LONDON_DISTRICTS_OUTSIDE_LONDON_AREAS.has(outward);
}
