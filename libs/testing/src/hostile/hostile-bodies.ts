import fc from 'fast-check';
import { contractOracle, type JsonSchema } from './contract-schemas';
import {
  DANGEROUS_KEYS,
  HOSTILE_DATES,
  HOSTILE_NUMBERS,
  malformedJsonTexts,
  NON_JSON_CONTENT_TYPES,
  NON_JSON_NUMBERS,
  NUMBER_LIKE_STRINGS,
  SCRIPT_FRAGMENTS,
  SQL_FRAGMENTS,
  UNICODE_EDGE_CASES,
} from './hostile-values';

export type HostileKind =
  | 'wrong-type'
  | 'missing-required'
  | 'extra-property'
  | 'huge-string'
  | 'deep-nesting'
  | 'hostile-text'
  | 'number-out-of-range'
  | 'bad-date'
  | 'array-for-object'
  | 'wrong-root'
  | 'malformed-json'
  | 'non-json-content-type'
  | 'oversized-body';

/** One request body an attacker could send, and whether the contract forbids it. */
export interface HostileCase {
  kind: HostileKind;
  /** JSON Pointer of the field attacked ('' for the whole body). */
  pointer: string;
  /** Short and printable: what was done (never the huge payload itself). */
  description: string;
  contentType: string;
  body: string;
  /**
   * True when the body breaks the contract or is not JSON at all: the service must refuse it.
   * False when it only looks hostile but is valid (SQL text in a free-text note): the service
   * may accept it, but must still never fail with a 5xx.
   */
  mustReject: boolean;
}

export interface HostileBodyOptions {
  /** The body's contract, with `$ref`s inlined (see `restBodySchema`). */
  schema: JsonSchema;
  /** A body the contract accepts: every case is one change away from it. */
  valid: unknown;
  /** The service's request body limit in bytes (256 kB in every Harbour service). */
  bodyLimitBytes?: number;
  /** An empty or non-JSON body is a legitimate request here (e.g. an acknowledgement without a note). */
  bodyOptional?: boolean;
}

export const HARBOUR_BODY_LIMIT_BYTES = 256 * 1024;

type Path = readonly (string | number)[];

interface Slot {
  path: Path;
  schema: JsonSchema;
  present: boolean;
}

interface ObjectNode {
  path: Path;
  schema: JsonSchema;
  value: Record<string, unknown>;
}

const JSON_TYPE = 'application/json';
const RAW = 'HOSTILE_RAW_PLACEHOLDER_5d1c9e';
const TYPE_SAMPLES: Readonly<Record<string, unknown>> = {
  string: 'not-what-you-expected',
  number: 12.5,
  integer: 7,
  boolean: true,
  null: null,
  array: ['x', 1],
  object: { nested: 'object' },
};

/**
 * Hostile variants of a valid body, as a fast-check arbitrary: wrong types, missing and extra
 * properties (prototype-poisoning keys included), huge strings, 10 000-level nesting, SQL and
 * script fragments, unicode edge cases, out-of-range numbers, impossible dates, arrays for
 * objects, malformed JSON, non-JSON media types and bodies over the limit. Each case says
 * whether the contract forbids it, judged by an independent Ajv over the same schema.
 */
export function hostileBodies(options: HostileBodyOptions): fc.Arbitrary<HostileCase> {
  const { schema, valid } = options;
  const limit = options.bodyLimitBytes ?? HARBOUR_BODY_LIMIT_BYTES;
  const judge = contractOracle(schema);
  if (!judge(valid)) throw new Error('the "valid" example breaks its own contract');
  const validText = JSON.stringify(valid);
  const slots: Slot[] = [];
  const objects: ObjectNode[] = [];
  collect(schema, valid, [], slots, objects);

  const finish = (
    kind: HostileKind,
    path: Path,
    description: string,
    body: string,
    contentType = JSON_TYPE,
  ): HostileCase => ({
    kind,
    pointer: pointerOf(path),
    description,
    contentType,
    body,
    mustReject: mustReject(body, contentType, judge, options.bodyOptional === true, limit),
  });
  const withValue = (kind: HostileKind, path: Path, value: unknown, what: string) =>
    finish(
      kind,
      path,
      `${kind} ${pointerOf(path) || '/'} ← ${what}`,
      JSON.stringify(setAt(valid, path, value)),
    );

  const arbitraries: fc.Arbitrary<HostileCase>[] = [];
  const add = (weight: number, arbitrary: fc.Arbitrary<HostileCase> | undefined) => {
    if (arbitrary !== undefined) for (let i = 0; i < weight; i += 1) arbitraries.push(arbitrary);
  };

  const allSlots = slots.length > 0 ? slots : undefined;
  add(
    3,
    allSlots &&
      fc.constantFrom(...allSlots).chain((slot) => {
        const allowed = typesOf(slot.schema);
        const wrong = Object.keys(TYPE_SAMPLES).filter(
          (t) => !allowed.includes(t) && !(t === 'integer' && allowed.includes('number')),
        );
        return fc
          .constantFrom(...wrong)
          .map((t) => withValue('wrong-type', slot.path, TYPE_SAMPLES[t], t));
      }),
  );

  const required = objects.flatMap((node) =>
    requiredOf(node.schema)
      .filter((key) => Object.hasOwn(node.value, key))
      .map((key) => ({ node, key })),
  );
  add(
    2,
    required.length > 0
      ? fc.constantFrom(...required).map(({ node, key }) => {
          const path = [...node.path, key];
          return finish(
            'missing-required',
            path,
            `missing-required ${pointerOf(path)}`,
            JSON.stringify(removeAt(valid, path)),
          );
        })
      : undefined,
  );

  add(
    2,
    objects.length > 0
      ? fc
          .tuple(
            fc.constantFrom(...objects),
            fc.oneof(
              fc.constantFrom(...DANGEROUS_KEYS),
              fc.string({ minLength: 1, maxLength: 12 }),
            ),
            fc.constantFrom<unknown>({ isAdmin: true }, { polluted: 'yes' }, 'x', 1, null, []),
          )
          .map(([node, key, value]) =>
            finish(
              'extra-property',
              [...node.path, key],
              `extra-property ${pointerOf(node.path) || '/'} gets ${JSON.stringify(key)}`,
              JSON.stringify(setAt(valid, [...node.path, key], value)),
            ),
          )
      : undefined,
  );

  add(
    2,
    allSlots &&
      fc
        .tuple(
          fc.constantFrom(...allSlots),
          fc.integer({ min: 100_000, max: 150_000 }),
          fc.constantFrom('', ...SQL_FRAGMENTS.slice(0, 2), ...SCRIPT_FRAGMENTS.slice(0, 1)),
        )
        .map(([slot, length, prefix]) =>
          withValue('huge-string', slot.path, `${prefix}${'A'.repeat(length)}`, `${length} chars`),
        ),
  );

  add(
    2,
    fc
      .tuple(
        fc.option(fc.constantFrom(...slots), { nil: undefined }),
        fc.constantFrom(10_000, 10_000, 5_000, 1_000),
        fc.constantFrom('array', 'object'),
      )
      .map(([slot, depth, shape]) => {
        const nested =
          shape === 'array'
            ? `${'['.repeat(depth)}${']'.repeat(depth)}`
            : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        const path = slot?.path ?? [];
        const text =
          path.length === 0
            ? nested
            : JSON.stringify(setAt(valid, path, RAW)).replace(`"${RAW}"`, nested);
        return finish(
          'deep-nesting',
          path,
          `deep-nesting ${pointerOf(path) || '/'} ${depth} ${shape}s`,
          text,
        );
      }),
  );

  const textFragments = [...SQL_FRAGMENTS, ...SCRIPT_FRAGMENTS, ...UNICODE_EDGE_CASES];
  add(
    4,
    allSlots &&
      fc
        .tuple(fc.constantFrom(...allSlots), fc.constantFrom(...textFragments), fc.boolean())
        .map(([slot, fragment, append]) => {
          const current = valueAt(valid, slot.path);
          const value = append && typeof current === 'string' ? `${current}${fragment}` : fragment;
          return withValue('hostile-text', slot.path, value, JSON.stringify(fragment));
        }),
  );

  const numberSlots = slots.filter((s) =>
    typesOf(s.schema).some((t) => t === 'number' || t === 'integer'),
  );
  add(
    2,
    numberSlots.length > 0
      ? fc
          .tuple(
            fc.constantFrom(...numberSlots),
            fc.oneof(
              fc.constantFrom<number | string>(...HOSTILE_NUMBERS, ...NUMBER_LIKE_STRINGS),
              fc.constantFrom(...NON_JSON_NUMBERS).map((raw) => ({ raw })),
            ),
          )
          .chain(([slot, choice]) => {
            const bounds = [slot.schema['minimum'], slot.schema['maximum']].filter(
              (b): b is number => typeof b === 'number',
            );
            const edges = bounds.flatMap((b) => [b - 1, b + 1, b + 0.5]);
            return fc.constantFrom<unknown>(choice, ...edges).map((value) => {
              if (typeof value === 'object' && value !== null) {
                const raw = (value as { raw: string }).raw;
                const text = JSON.stringify(setAt(valid, slot.path, RAW)).replace(`"${RAW}"`, raw);
                return finish(
                  'number-out-of-range',
                  slot.path,
                  `number-out-of-range ${pointerOf(slot.path)} ← ${raw} (raw)`,
                  text,
                );
              }
              return withValue('number-out-of-range', slot.path, value, JSON.stringify(value));
            });
          })
      : undefined,
  );

  const dateSlots = slots.filter(
    (s) => s.schema['format'] === 'date-time' || s.schema['format'] === 'date',
  );
  add(
    2,
    dateSlots.length > 0
      ? fc
          .tuple(fc.constantFrom(...dateSlots), fc.constantFrom(...HOSTILE_DATES))
          .map(([slot, date]) => withValue('bad-date', slot.path, date, date))
      : undefined,
  );

  const structured = slots.filter((s) =>
    typesOf(s.schema).some((t) => t === 'object' || t === 'array'),
  );
  add(
    1,
    structured.length > 0
      ? fc.constantFrom(...structured).map((slot) => {
          const isObject = typesOf(slot.schema).includes('object');
          const current = valueAt(valid, slot.path);
          const value = isObject
            ? [current ?? {}]
            : { 0: Array.isArray(current) ? (current as unknown[])[0] : 'x' };
          return withValue(
            'array-for-object',
            slot.path,
            value,
            isObject ? 'an array' : 'an object',
          );
        })
      : undefined,
  );

  add(
    1,
    fc
      .constantFrom<unknown>([valid], [], null, 'a string', 42, true, [[]])
      .map((root) =>
        finish(
          'wrong-root',
          [],
          `wrong-root ${JSON.stringify(root).slice(0, 40)}`,
          JSON.stringify(root),
        ),
      ),
  );

  add(
    2,
    fc
      .constantFrom(...malformedJsonTexts(validText))
      .map((text) =>
        finish('malformed-json', [], `malformed-json ${JSON.stringify(text.slice(0, 40))}`, text),
      ),
  );

  add(
    1,
    fc
      .constantFrom(...NON_JSON_CONTENT_TYPES)
      .map((contentType) =>
        finish(
          'non-json-content-type',
          [],
          `non-json-content-type ${contentType}`,
          bodyFor(contentType, valid, validText),
          contentType,
        ),
      ),
  );

  add(
    1,
    fc.integer({ min: 1, max: 64 * 1024 }).map((excess) => {
      const padding = 'P'.repeat(limit + excess);
      const text = JSON.stringify(setAt(valid, ['padding'], padding));
      return finish('oversized-body', ['padding'], `oversized-body ${text.length} bytes`, text);
    }),
  );

  return fc.oneof(...arbitraries);
}

function mustReject(
  body: string,
  contentType: string,
  judge: (body: unknown) => boolean,
  bodyOptional: boolean,
  limit: number,
): boolean {
  if (Buffer.byteLength(body) > limit) return true;
  if (contentType !== JSON_TYPE) return !bodyOptional;
  if (body.trim() === '') return !bodyOptional;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return true;
  }
  return !judge(parsed);
}

/** The valid body re-encoded in the media type claimed (so only the type is wrong). */
function bodyFor(contentType: string, valid: unknown, validText: string): string {
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams();
    if (typeof valid === 'object' && valid !== null) {
      for (const [key, value] of Object.entries(valid)) {
        form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
      }
    }
    return form.toString();
  }
  if (contentType === 'application/xml') return `<body>${validText}</body>`;
  if (contentType.startsWith('multipart/form-data')) {
    return `--hostile\r\nContent-Disposition: form-data; name="body"\r\n\r\n${validText}\r\n--hostile--\r\n`;
  }
  return validText;
}

function collect(
  schema: JsonSchema,
  value: unknown,
  path: Path,
  slots: Slot[],
  objects: ObjectNode[],
): void {
  if (isRecord(value) && isRecord(schema['properties'])) {
    objects.push({ path, schema, value });
    for (const [key, sub] of Object.entries(schema['properties'])) {
      if (!isRecord(sub)) continue;
      const present = Object.hasOwn(value, key);
      slots.push({ path: [...path, key], schema: sub, present });
      if (present) collect(sub, value[key], [...path, key], slots, objects);
    }
  } else if (Array.isArray(value) && value.length > 0 && isRecord(schema['items'])) {
    slots.push({ path: [...path, 0], schema: schema['items'], present: true });
    collect(schema['items'], value[0], [...path, 0], slots, objects);
  }
}

function typesOf(schema: JsonSchema): string[] {
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  const values = Array.isArray(schema['enum'])
    ? (schema['enum'] as unknown[])
    : 'const' in schema
      ? [schema['const']]
      : [];
  return [
    ...new Set(values.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v))),
  ];
}

function requiredOf(schema: JsonSchema): string[] {
  const required = schema['required'];
  return Array.isArray(required) ? required.filter((k): k is string => typeof k === 'string') : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pointerOf(path: Path): string {
  return path
    .map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`)
    .join('');
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const part of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

/** A copy of `root` with `value` at `path`; keys such as `__proto__` become own properties. */
function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) {
      const created: Record<string, unknown> = {};
      Object.defineProperty(node, part, {
        value: created,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      node = created;
    } else node = next as Record<string | number, unknown>;
  }
  Object.defineProperty(node, lastOf(path), {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

function removeAt(root: unknown, path: Path): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  Reflect.deleteProperty(parent, lastOf(path));
  return copy;
}

function lastOf(path: Path): string | number {
  const last = path.at(-1);
  if (last === undefined) throw new Error('an empty path has no last part');
  return last;
}
