import type { BedNeeds, BedUrgency, OrganisationKind } from '@harbour/contracts';
import { quoteIdentifier, ValidationProblem } from '@harbour/platform';
import type { EntityManager } from 'typeorm';

/** Still matching (`open`), or matching gave up (`unmatched`): the coordinator's to act on. */
export type WaitingState = 'open' | 'unmatched';
export const WAITING_STATES: readonly WaitingState[] = ['open', 'unmatched'];

/** The offers made for a request so far, by how each stands or ended. */
export interface OfferAttempts {
  total: number;
  open: number;
  declined: number;
  expired: number;
  withdrawn: number;
  lastOfferedAt: string | null;
}

/**
 * A bed request nobody has accepted: the needs the matcher works to (never the person's names
 * or age in years), how urgent, how long it has waited and the offers tried so far.
 */
export interface WaitingRequest {
  requestId: string;
  state: WaitingState;
  borough: string;
  requestedBy: { organisationId: string; organisationKind: OrganisationKind; name: string };
  needs: Omit<BedNeeds, 'ageYears'>;
  urgency: BedUrgency;
  submittedAt: string;
  /** Seconds from submission to now (open) or to when matching gave up (unmatched). */
  waitingSeconds: number;
  closedAt: string | null;
  closedReason: string | null;
  offers: OfferAttempts;
}

export interface WaitingRequestsView {
  at: string;
  requests: WaitingRequest[];
  total: number;
  limit: number;
  offset: number;
  nextOffset: number | null;
}

interface Row {
  id: string;
  state: WaitingState;
  borough: string;
  requester_organisation_id: string;
  requester_organisation_kind: OrganisationKind;
  needs: BedNeeds;
  urgency: BedUrgency;
  submitted_at: Date;
  closed_at: Date | null;
  closed_reason: string | null;
  offers: number;
  open_offers: number;
  declined: number;
  expired: number;
  withdrawn: number;
  last_offered_at: Date | null;
  total: string;
}

/**
 * Open and unmatched bed requests, oldest first, with their offer attempts in one query (the
 * offers are grouped per request, so a page costs one round trip whatever its length).
 */
export class WaitingRequests {
  private readonly schema: string;

  constructor(schema: string) {
    this.schema = quoteIdentifier(schema);
  }

  async page(
    manager: EntityManager,
    query: { states: readonly WaitingState[]; limit: number; offset: number },
    names: (organisationIds: readonly string[]) => Promise<ReadonlyMap<string, string>>,
    now: Date,
  ): Promise<WaitingRequestsView> {
    const rows = await manager.query<Row[]>(
      `WITH page AS (
         SELECT r.id, r.state, r.borough, r.requester_organisation_id,
                r.requester_organisation_kind, r.needs, r.urgency, r.submitted_at, r.closed_at,
                r.closed_reason, count(*) OVER () AS total
           FROM ${this.schema}.bed_request r
          WHERE r.state = ANY($1::text[])
          ORDER BY r.submitted_at, r.id
          LIMIT $2 OFFSET $3
       )
       SELECT page.*,
              count(o.id)::int AS offers,
              count(o.id) FILTER (WHERE o.state = 'offered')::int AS open_offers,
              count(o.id) FILTER (WHERE o.state = 'declined')::int AS declined,
              count(o.id) FILTER (WHERE o.state = 'expired')::int AS expired,
              count(o.id) FILTER (WHERE o.state = 'withdrawn')::int AS withdrawn,
              max(o.offered_at) AS last_offered_at
         FROM page
         LEFT JOIN ${this.schema}.offer o ON o.request_id = page.id
        GROUP BY page.id, page.state, page.borough, page.requester_organisation_id,
                 page.requester_organisation_kind, page.needs, page.urgency, page.submitted_at,
                 page.closed_at, page.closed_reason, page.total
        ORDER BY page.submitted_at, page.id`,
      [[...query.states], query.limit, query.offset],
    );
    const total =
      rows[0] !== undefined
        ? Number(rows[0].total)
        : query.offset === 0
          ? 0
          : await this.count(manager, query.states);
    const organisationNames = await names([
      ...new Set(rows.map((r) => r.requester_organisation_id)),
    ]);
    const requests = rows.map((row): WaitingRequest => {
      const { ageYears: _age, ...needs } = row.needs;
      const until = row.state === 'open' || row.closed_at === null ? now : row.closed_at;
      return {
        requestId: row.id,
        state: row.state,
        borough: row.borough,
        requestedBy: {
          organisationId: row.requester_organisation_id,
          organisationKind: row.requester_organisation_kind,
          name: organisationNames.get(row.requester_organisation_id) ?? 'Unknown organisation',
        },
        needs,
        urgency: row.urgency,
        submittedAt: row.submitted_at.toISOString(),
        waitingSeconds: Math.max(
          0,
          Math.floor((until.getTime() - row.submitted_at.getTime()) / 1000),
        ),
        closedAt: row.closed_at?.toISOString() ?? null,
        closedReason: row.closed_reason,
        offers: {
          total: row.offers,
          open: row.open_offers,
          declined: row.declined,
          expired: row.expired,
          withdrawn: row.withdrawn,
          lastOfferedAt: row.last_offered_at?.toISOString() ?? null,
        },
      };
    });
    const next = query.offset + requests.length;
    return {
      at: now.toISOString(),
      requests,
      total,
      limit: query.limit,
      offset: query.offset,
      nextOffset: requests.length > 0 && next < total ? next : null,
    };
  }

  private async count(manager: EntityManager, states: readonly WaitingState[]): Promise<number> {
    const rows = await manager.query<{ total: string }[]>(
      `SELECT count(*) AS total FROM ${this.schema}.bed_request WHERE state = ANY($1::text[])`,
      [[...states]],
    );
    return Number(rows[0]?.total ?? 0);
  }
}

const INTEGER = /^\d{1,6}$/;
const PARAMETERS = ['state', 'limit', 'offset'] as const;

/**
 * `state` (open or unmatched; both when absent), `limit` (1–100, 50) and `offset` (0–100000).
 * An unknown parameter, or one given twice, is a 400 naming it.
 */
export function readWaitingQuery(query: Readonly<Record<string, unknown>>): {
  states: WaitingState[];
  limit: number;
  offset: number;
} {
  const issues: { pointer: string; message: string }[] = [];
  for (const name of Object.keys(query)) {
    if (!(PARAMETERS as readonly string[]).includes(name)) {
      issues.push({
        pointer: `query:${name}`,
        message: `unknown parameter; use ${PARAMETERS.join(', ')}`,
      });
    }
  }
  const text = (name: (typeof PARAMETERS)[number]): string | undefined => {
    const value = query[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') {
      issues.push({ pointer: `query:${name}`, message: 'give it once, as plain text' });
      return undefined;
    }
    return value;
  };
  const whole = (name: 'limit' | 'offset', fallback: number, min: number, max: number) => {
    const value = text(name);
    if (value === undefined) return fallback;
    const number = INTEGER.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(number) || number < min || number > max) {
      issues.push({
        pointer: `query:${name}`,
        message: `must be a whole number from ${min} to ${max}`,
      });
      return fallback;
    }
    return number;
  };
  const state = text('state');
  const states = WAITING_STATES.filter((s) => state === undefined || s === state);
  if (state !== undefined && states.length === 0) {
    issues.push({ pointer: 'query:state', message: `must be one of ${WAITING_STATES.join(', ')}` });
  }
  const limit = whole('limit', 50, 1, 100);
  const offset = whole('offset', 0, 0, 100_000);
  if (issues.length > 0) throw new ValidationProblem(issues);
  return { states, limit, offset };
}
