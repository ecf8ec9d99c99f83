import { LONDON_AUTHORITIES } from '@harbour/london';
import { quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { Period } from './borough-period';

export const BOROUGH_COUNTS = Symbol('BOROUGH_COUNTS');

/** One authority's figures over the period: counts only, nothing about any person or case. */
export interface BoroughFigures {
  gss: string;
  name: string;
  /**
   * Operations planned (recorded) in the period, whenever they are to take place, so that
   * tomorrow's raid is on today's map; cancelled ones left out.
   */
  operations: number;
  /** Missing episodes of children reported in the period. */
  missingChildren: number;
  /** Of those, the children not yet found. */
  missingChildrenStillMissing: number;
  /** NRM referrals and Duty to Notify reports submitted in the period. */
  referrals: number;
}

export interface BoroughCountsView {
  from: string;
  to: string;
  /** All 33 London authorities in GSS order, zeros included. */
  boroughs: BoroughFigures[];
}

interface CountRow {
  layer: 'operations' | 'missing_children' | 'referrals';
  borough: string;
  n: number;
  still_missing: number;
}

/**
 * Intake's figures by borough for the coordinator's London map: one statement, three GROUP BYs
 * over time-ordered indexes (migration BoroughCountIndexes1766400000000), counts only. No
 * personal column is read, so a count is not a recorded disclosure.
 */
export class BoroughCounts {
  private readonly schema: string;

  constructor(schema: string) {
    this.schema = quoteIdentifier(schema);
  }

  async inPeriod(manager: EntityManager, period: Period): Promise<BoroughCountsView> {
    const s = this.schema;
    const rows: CountRow[] = await manager.query(
      `SELECT 'operations' AS layer, borough, count(*)::int AS n, 0 AS still_missing
         FROM ${s}.operation
        WHERE planned_at >= $1 AND planned_at < $2 AND state <> 'cancelled'
        GROUP BY borough
       UNION ALL
       SELECT 'missing_children', borough, count(*)::int,
              (count(*) FILTER (WHERE status = 'missing'))::int
         FROM ${s}.missing_episode
        WHERE is_child AND reported_at >= $1 AND reported_at < $2
        GROUP BY borough
       UNION ALL
       SELECT 'referrals', borough, count(*)::int, 0
         FROM ${s}.referral
        WHERE submitted_at >= $1 AND submitted_at < $2
        GROUP BY borough`,
      [period.from, period.to],
    );
    const of = (layer: CountRow['layer'], gss: string) =>
      rows.find((row) => row.layer === layer && row.borough === gss);
    return {
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      boroughs: LONDON_AUTHORITIES.map((authority) => ({
        gss: authority.gss,
        name: authority.name,
        operations: of('operations', authority.gss)?.n ?? 0,
        missingChildren: of('missing_children', authority.gss)?.n ?? 0,
        missingChildrenStillMissing: of('missing_children', authority.gss)?.still_missing ?? 0,
        referrals: of('referrals', authority.gss)?.n ?? 0,
      })),
    };
  }
}
