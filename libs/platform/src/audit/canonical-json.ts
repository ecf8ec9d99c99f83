/** A JSON value as the audit log stores it: no undefined, no functions, no non-finite numbers. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * One text for one value: object keys sorted by code unit, no whitespace, strings and numbers as
 * `JSON.stringify` writes them (the RFC 8785 rules for the values the audit log holds). The hash
 * of an entry is taken over this text, so it must not depend on the order properties were set in
 * or on how Postgres returns a `jsonb` column.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error('canonical JSON has no non-finite numbers');
      return JSON.stringify(value);
    case 'object':
      if (Array.isArray(value)) {
        return `[${(value as readonly JsonValue[]).map(canonicalJson).join(',')}]`;
      }
      return `{${Object.keys(value)
        .sort()
        .map((key) => {
          const member = (value as { readonly [key: string]: JsonValue })[key];
          if (member === undefined) throw new Error(`canonical JSON has no undefined ("${key}")`);
          return `${JSON.stringify(key)}:${canonicalJson(member)}`;
        })
        .join(',')}}`;
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      throw new Error(`canonical JSON has no ${typeof value} values`);
  }
}
