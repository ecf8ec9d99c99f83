import type { OperationKind, PremisesKind } from '@harbour/contracts';
import { quoteIdentifier, ValidationProblem } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { OperationState } from '../domain/operation';

export const OPERATION_LIST = Symbol('OPERATION_LIST');

/**
 * One operation in its planner's list: what, where (the borough) and when, and where it stands.
 * Never the address, the lead contact, a cancellation's reason or the outcome: those are
 * personal or operational data, shown one operation at a time by `GET /v1/operations/{id}`,
 * which records each reading. The list reads no encrypted column at all.
 */
export interface OperationSummary {
  operationId: string;
  state: OperationState;
  revision: number;
  kind: OperationKind;
  premisesKind: PremisesKind;
  borough: string;
  plannedStart: string;
  plannedEnd: string;
  plannedAt: string;
  updatedAt: string;
}

export interface OperationListView {
  operations: OperationSummary[];
  total: number;
  limit: number;
  offset: number;
  /** The offset of the next page, or null on the last one. */
  nextOffset: number | null;
}

interface SummaryRow {
  id: string;
  state: OperationState;
  revision: number;
  kind: OperationKind;
  premises_kind: PremisesKind;
  borough: string;
  planned_start: Date;
  planned_end: Date;
  planned_at: Date;
  updated_at: Date;
  total: string;
}

/** The operations an organisation planned, newest planned start first (its planner index). */
export class OperationList {
  private readonly schema: string;

  constructor(schema: string) {
    this.schema = quoteIdentifier(schema);
  }

  async ofPlanner(
    manager: EntityManager,
    organisationId: string,
    page: { limit: number; offset: number },
  ): Promise<OperationListView> {
    const rows: SummaryRow[] = await manager.query(
      `SELECT id, state, revision, kind, premises_kind, borough, planned_start, planned_end,
              planned_at, updated_at, count(*) OVER () AS total
         FROM ${this.schema}.operation
        WHERE planned_by_organisation_id = $1
        ORDER BY planned_start DESC, id
        LIMIT $2 OFFSET $3`,
      [organisationId, page.limit, page.offset],
    );
    // Past the last page no row carries the window's count: count on its own.
    const total =
      rows[0] !== undefined
        ? Number(rows[0].total)
        : page.offset === 0
          ? 0
          : await this.count(manager, organisationId);
    const operations = rows.map((row): OperationSummary => ({
      operationId: row.id,
      state: row.state,
      revision: row.revision,
      kind: row.kind,
      premisesKind: row.premises_kind,
      borough: row.borough,
      plannedStart: row.planned_start.toISOString(),
      plannedEnd: row.planned_end.toISOString(),
      plannedAt: row.planned_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    }));
    const next = page.offset + operations.length;
    return {
      operations,
      total,
      limit: page.limit,
      offset: page.offset,
      nextOffset: operations.length > 0 && next < total ? next : null,
    };
  }

  private async count(manager: EntityManager, organisationId: string): Promise<number> {
    const rows: { total: string }[] = await manager.query(
      `SELECT count(*) AS total FROM ${this.schema}.operation WHERE planned_by_organisation_id = $1`,
      [organisationId],
    );
    return Number(rows[0]?.total ?? 0);
  }
}

const INTEGER = /^\d{1,6}$/;

/** A whole-number query parameter within bounds, or its default when absent. */
export function pageParameter(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === '') return fallback;
  const number = INTEGER.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new ValidationProblem([
      { pointer: `query:${name}`, message: `must be a whole number from ${min} to ${max}` },
    ]);
  }
  return number;
}
