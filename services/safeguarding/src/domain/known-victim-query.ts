import { normaliseAddress, normalisePostcode } from '@harbour/london';

/** A known-victim check, normalised: what the index compares. */
export interface KnownVictimQuery {
  postcode?: string;
  address?: string;
}

export interface KnownVictimAnswer {
  match: boolean;
  /** Which of the asked-about locations matched; never who. */
  matchedOn: ('postcode' | 'address')[];
}

export interface QueryIssue {
  pointer: string;
  message: string;
}

const MAX_ADDRESS_LENGTH = 500;

/**
 * Reads a check request body: `{ postcode?, address? }`, at least one, nothing else. The postcode
 * must be a valid UK postcode (any case or spacing); the address is normalised and compared
 * without its trailing postcode.
 */
export function readKnownVictimQuery(
  body: unknown,
): { ok: true; query: KnownVictimQuery } | { ok: false; issues: QueryIssue[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, issues: [{ pointer: '', message: 'must be a JSON object' }] };
  }
  const record = body as Record<string, unknown>;
  const issues: QueryIssue[] = Object.keys(record)
    .filter((key) => key !== 'postcode' && key !== 'address')
    .map((key) => ({ pointer: `/${key}`, message: 'is not a known field' }));
  const query: KnownVictimQuery = {};
  const { postcode, address } = record;
  if (postcode !== undefined) {
    const normalised = typeof postcode === 'string' ? normalisePostcode(postcode) : undefined;
    if (normalised === undefined) {
      issues.push({ pointer: '/postcode', message: 'must be a valid UK postcode' });
    } else query.postcode = normalised;
  }
  if (address !== undefined) {
    const normalised =
      typeof address === 'string' && address.length <= MAX_ADDRESS_LENGTH
        ? normaliseAddress(address)
        : undefined;
    if (normalised === undefined) {
      issues.push({
        pointer: '/address',
        message: `must be an address of 1-${MAX_ADDRESS_LENGTH} characters with letters or digits`,
      });
    } else query.address = normalised;
  }
  if (postcode === undefined && address === undefined) {
    issues.push({ pointer: '/postcode', message: 'give a postcode, an address, or both' });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, query };
}
