import type { VariableSpec } from './config-spec';

export type ParsedValue = string | number | boolean | string[];

export type ParseResult = { ok: true; value: ParsedValue } | { ok: false; reason: string };

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/**
 * Parses one raw value. `shown` is how the value may appear in a reason: quoted, or hidden for
 * sensitive variables so a secret never reaches a log or a terminal.
 */
export function parseVariable(raw: string, spec: VariableSpec): ParseResult {
  const shown = spec.sensitive ? 'the value (hidden, sensitive)' : JSON.stringify(raw);
  switch (spec.kind) {
    case 'string':
      return { ok: true, value: raw };
    case 'url':
      return URL.canParse(raw)
        ? { ok: true, value: raw }
        : { ok: false, reason: `${shown} is not an absolute URL` };
    case 'int': {
      const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : Number.NaN;
      return Number.isSafeInteger(value)
        ? { ok: true, value }
        : { ok: false, reason: `${shown} is not a whole number` };
    }
    case 'port': {
      const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
      return Number.isInteger(value) && value >= 1 && value <= 65535
        ? { ok: true, value }
        : { ok: false, reason: `${shown} is not a port number (1-65535)` };
    }
    case 'boolean': {
      const word = raw.toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return { ok: false, reason: `${shown} is not a boolean (true/false, 1/0, yes/no, on/off)` };
    }
    case 'list': {
      const value = raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
      return value.length > 0
        ? { ok: true, value }
        : { ok: false, reason: `${shown} is an empty comma-separated list` };
    }
    case 'enum': {
      const values = spec.values ?? [];
      return values.includes(raw)
        ? { ok: true, value: raw }
        : { ok: false, reason: `${shown} is not one of: ${values.join(', ')}` };
    }
  }
}
