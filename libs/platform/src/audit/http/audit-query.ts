import type { ValidationIssue } from '../../problems/problem-exceptions';
import { AUDIT_ACTIONS, isAuditAction } from '../audit-entry';
import type { AuditFilter } from '../audit-log';

/** What `GET /v1/audit` and its export were asked for. */
export interface AuditQuery<Chain extends string = string> {
  chain: Chain;
  filter: AuditFilter;
  /** Only entries older than this seq (a page's `next`). */
  before?: number;
  limit: number;
}

export const DEFAULT_AUDIT_PAGE = 50;
export const MAX_AUDIT_PAGE = 500;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const PARAMETERS = ['chain', 'from', 'to', 'action', 'resource', 'before', 'limit'] as const;
const RESOURCE = /^([a-z_]{1,40})(?::([A-Za-z0-9_.-]{1,100}))?$/;

/**
 * Reads the query string: `chain` (one of `chains`, the first by default), `from` and `to`
 * (ISO 8601 date-times, `to` exclusive), `action` (one action, or a family ending in `.` such as
 * `key.`), `resource` (`kind` or `kind:id`), `before` (a page cursor) and `limit` (1–500).
 * Anything else, and any value given twice, is a 400 naming the parameter.
 */
export function readAuditQuery<Chain extends string>(
  query: Readonly<Record<string, unknown>>,
  chains: readonly [Chain, ...Chain[]],
): { ok: true; query: AuditQuery<Chain> } | { ok: false; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const issue = (name: string, message: string): void => {
    issues.push({ pointer: `query:${name}`, message });
  };
  for (const name of Object.keys(query)) {
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      issue(name, `unknown parameter; use ${PARAMETERS.join(', ')}`);
    }
  }
  const text = (name: (typeof PARAMETERS)[number]): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      issue(name, 'give it once, as plain text');
      return undefined;
    }
    return value;
  };

  const chainText = text('chain') ?? chains[0];
  const chain = chains.find((name) => name === chainText);
  if (chain === undefined) issue('chain', `must be one of ${chains.join(', ')}`);

  const filter: AuditFilter = {};
  for (const name of ['from', 'to'] as const) {
    const value = text(name);
    if (value === undefined) continue;
    const instant = new Date(value);
    if (!DATE_TIME.test(value) || Number.isNaN(instant.getTime())) {
      issue(name, 'must be an ISO 8601 date-time with a time zone, e.g. 2026-03-01T00:00:00Z');
    } else {
      filter[name] = instant;
    }
  }
  if (filter.from && filter.to && filter.from >= filter.to) issue('to', 'must be after from');

  const action = text('action');
  if (action !== undefined) {
    const family = action.endsWith('.') && AUDIT_ACTIONS.some((a) => a.startsWith(action));
    if (isAuditAction(action) || family) filter.action = action;
    else issue('action', `must be one of ${AUDIT_ACTIONS.join(', ')}, or a family such as key.`);
  }

  const resource = text('resource');
  if (resource !== undefined) {
    const match = RESOURCE.exec(resource);
    if (match?.[1] === undefined) {
      issue('resource', 'must be a kind, or kind:id (e.g. alert:<uuid>)');
    } else {
      filter.resourceKind = match[1];
      if (match[2] !== undefined) filter.resourceId = match[2];
    }
  }

  const before = integer(text('before'), 'before', 1, Number.MAX_SAFE_INTEGER, issue);
  const limit = integer(text('limit'), 'limit', 1, MAX_AUDIT_PAGE, issue) ?? DEFAULT_AUDIT_PAGE;
  if (issues.length > 0 || chain === undefined) return { ok: false, issues };
  return { ok: true, query: { chain, filter, limit, ...(before === undefined ? {} : { before }) } };
}

function integer(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
  issue: (name: string, message: string) => void,
): number | undefined {
  if (value === undefined) return undefined;
  const number = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    issue(name, `must be a whole number from ${min} to ${max}`);
    return undefined;
  }
  return number;
}
