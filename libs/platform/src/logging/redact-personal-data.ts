export const REDACTED = '[REDACTED]';

/** Keys whose values are personal data or credentials, compared without case, `_` or `-`. */
const PERSONAL_KEYS = new Set([
  'name',
  'givenname',
  'familyname',
  'firstname',
  'lastname',
  'fullname',
  'alias',
  'aliases',
  'dateofbirth',
  'dob',
  'postcode',
  'email',
  'phone',
  'mobile',
  'narrative',
  'circumstances',
  'description',
  'associates',
  'places',
  'photo',
  'personal',
  'philomenaprofile',
  'authorization',
  'cookie',
  'apikey',
  'password',
  'secret',
  'token',
]);

const PERSONAL_KEY_PREFIXES = ['address', 'email', 'phone', 'mobile'];

// Credentials and contact details hide behind many compound names (accessToken, clientSecret,
// contactEmail, setCookie); matching the ending catches them without redacting every "...Name".
const PERSONAL_KEY_SUFFIXES = [
  'password',
  'secret',
  'token',
  'apikey',
  'email',
  'phone',
  'cookie',
  'postcode',
  'dateofbirth',
];

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// UK postcode (outward + inward code, space optional); GIR 0AA is the one odd historic code.
const UK_POSTCODE = /\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b/gi;
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi;
const HARBOUR_KEY = /hbr_[A-Za-z0-9_-]+/g;

const MAX_DEPTH = 24;

export function isPersonalDataKey(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[_-]/g, '');
  return (
    PERSONAL_KEYS.has(normalised) ||
    PERSONAL_KEY_PREFIXES.some((prefix) => normalised.startsWith(prefix)) ||
    PERSONAL_KEY_SUFFIXES.some((suffix) => normalised.endsWith(suffix))
  );
}

/** Replaces e-mail addresses, UK postcodes and API keys inside free text. */
export function redactText(text: string): string {
  return text
    .replace(BEARER, `Bearer ${REDACTED}`)
    .replace(HARBOUR_KEY, REDACTED)
    .replace(EMAIL, REDACTED)
    .replace(UK_POSTCODE, REDACTED);
}

/**
 * Returns a JSON-friendly copy of `value` with personal data removed, at any depth: values under
 * personal-data keys become "[REDACTED]", and free text is scrubbed by `redactText`. Errors become
 * `{ type, message, stack, ...own fields }`, Maps become plain objects, binary data is summarised,
 * and cycles become "[Circular]". The input is never modified.
 */
export function redactPersonalData(value: unknown): unknown {
  return redact(value, new WeakSet<object>(), 0);
}

function redact(value: unknown, ancestors: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return `[Binary ${value.byteLength} bytes]`;
  }
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';

  ancestors.add(value);
  try {
    const next = depth + 1;
    if (Array.isArray(value)) return value.map((item: unknown) => redact(item, ancestors, next));
    if (value instanceof Set) {
      return [...value].map((item: unknown) => redact(item, ancestors, next));
    }
    if (value instanceof Map) {
      const entries: [string, unknown][] = [...value.entries()].map(([key, item]) => [
        String(key),
        item,
      ]);
      return redactEntries(entries, ancestors, next);
    }
    if (value instanceof Error) {
      const entries: [string, unknown][] = [
        ['type', value.name],
        ['message', value.message],
        ['stack', value.stack],
        ...Object.entries(value),
      ];
      if (value.cause !== undefined) entries.push(['cause', value.cause]);
      return redactEntries(entries, ancestors, next);
    }
    return redactEntries(Object.entries(value), ancestors, next);
  } finally {
    ancestors.delete(value);
  }
}

function redactEntries(
  entries: [string, unknown][],
  ancestors: WeakSet<object>,
  depth: number,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    result[key] =
      isPersonalDataKey(key) && item !== null && item !== undefined
        ? REDACTED
        : redact(item, ancestors, depth);
  }
  return result;
}
