/**
 * What an attacker (or a broken client) puts in a field. Kept as data so every generated case
 * names which fragment it used.
 */

/** SQL that would change a query's meaning if it were ever concatenated into one. */
export const SQL_FRAGMENTS: readonly string[] = [
  "'; DROP TABLE missing_episode; --",
  "' OR 1=1 --",
  "' OR '1'='1",
  '1; SELECT pg_sleep(5); --',
  "'); DELETE FROM outbox; --",
  "\\'; TRUNCATE referral CASCADE; --",
  "E09000007' UNION SELECT secret_hash FROM api_key --",
  '$1::text',
];

/** Markup and script that would run if echoed into a page unescaped. */
export const SCRIPT_FRAGMENTS: readonly string[] = [
  '<script>alert(document.cookie)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{constructor.constructor("return process")()}}',
  '${process.exit(1)}',
  '<!--#exec cmd="/bin/sh"-->',
];

/** Text that breaks naive string handling: encodings, direction, invisibles, NUL. */
export const UNICODE_EDGE_CASES: readonly string[] = [
  '\uD800', // lone high surrogate
  'x\uDC00y', // lone low surrogate
  '\u202Egnp.exe', // right-to-left override
  'Cam\u200Bden', // zero-width space
  'a\u0000b', // NUL: Postgres text cannot hold it
  '\u0000',
  '\uFEFFbom',
  'e\u0301\u0301\u0301\u0301\u0301', // stacked combining marks
  '\u{1F9D2}\u{1F3FD}', // emoji with skin tone
  '\u2028\u2029', // JavaScript line separators
  '%00%27%22',
  '\\u0000',
  ' ',
  '',
];

/** Dates that are malformed, impossible or absurd. */
export const HOSTILE_DATES: readonly string[] = [
  '2026-02-30T25:61:00Z',
  '2026-02-30',
  '2026-13-45T00:00:00Z',
  '0000-00-00T00:00:00Z',
  '2026-01-01T00:00:00',
  '2026-01-01 00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '1900-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '2026-03-29T01:30:00+25:00',
  'yesterday',
  'NaN',
];

/** Numbers at and beyond every sensible edge (as JSON values). */
export const HOSTILE_NUMBERS: readonly number[] = [
  -1,
  -0.5,
  0.5,
  1.5,
  2 ** 31,
  2 ** 53 + 1,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER,
];

/** Numbers that JSON cannot carry, as raw JSON text. */
export const NON_JSON_NUMBERS: readonly string[] = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '0x10',
  '01',
  '+1',
  '.5',
];

/** The same, as strings: what a sloppy client sends instead. */
export const NUMBER_LIKE_STRINGS: readonly string[] = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '12',
  '',
];

/** Property names that poison prototypes or confuse object handling. */
export const DANGEROUS_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '$where',
  '',
];

/** Bodies that are not JSON although they claim to be. */
export function malformedJsonTexts(validText: string): string[] {
  const inner = validText.slice(1, -1);
  return [
    validText.slice(0, Math.max(1, Math.floor(validText.length / 2))), // truncated
    `${validText.slice(0, -1)},}`, // trailing comma
    validText.replaceAll('"', "'"), // single quotes
    `{${inner.replace(/"([^"]+)":/, '$1:')}}`, // an unquoted key
    `/* comment */${validText}`,
    `${validText}${validText}`, // two documents
    `{"a": undefined}`,
    `{"a": NaN}`,
    '{"a": "line\nbreak"}', // a raw control character inside a string
    '{"a": "\\x41"}', // an escape JSON does not have
    '{"a": 1',
    '}{',
    '\u0000',
    '{"a":"\\ud800"',
  ];
}

/** Non-JSON media types a JSON endpoint must not take as JSON. */
export const NON_JSON_CONTENT_TYPES: readonly string[] = [
  'text/plain',
  'application/xml',
  'text/html',
  'multipart/form-data; boundary=hostile',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/jsonx',
];
