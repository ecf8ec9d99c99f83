import { Controller, Get, Inject, Query } from '@nestjs/common';
import { LONDON_AUTHORITIES } from '@harbour/london';
import {
  Authorize,
  CurrentPrincipal,
  PAN_LONDON,
  type Principal,
  ValidationProblem,
} from '@harbour/platform';
import { PARTNER_ALERTS_REPOSITORY } from '../tokens';
import type { PartnerAlertsRepository } from './partner-alerts-repository';

export interface InboxView {
  alerts: {
    alertId: string;
    title: string;
    severity: string;
    disclosureLevel: string;
    /** The alert's own state: open, acknowledged (by someone), superseded or closed. */
    state: string;
    requestedAt: string;
    acknowledgeBy: string;
    deliveredAt: string;
    /** Whether the caller's organisation has acknowledged it, and when. */
    acknowledgedByUs: boolean;
    acknowledgedByUsAt: string | null;
  }[];
  total: number;
  limit: number;
  offset: number;
  /** The offset of the next page, or null on the last one. */
  nextOffset: number | null;
}

export interface BoroughCountsView {
  from: string;
  to: string;
  /** All 33 London authorities in GSS order, zeros included. */
  boroughs: { gss: string; name: string; alerts: number; open: number }[];
  /** Alerts addressed to every borough at once, which no one borough's count includes. */
  panLondon: { alerts: number; open: number };
}

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_PERIOD_DAYS = 366;
const INTEGER = /^\d{1,6}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * What the console reads of alerts: a recipient's inbox (own alerts, notice-level facts only:
 * never the lines, stages or other partners' replies), and the coordinator's alert counts by
 * borough for the London map.
 */
@Controller('v1')
export class PartnerAlertsController {
  constructor(
    @Inject(PARTNER_ALERTS_REPOSITORY) private readonly alerts: PartnerAlertsRepository,
  ) {}

  @Get('alerts')
  @Authorize('notification.alert.inbox')
  async inbox(
    @CurrentPrincipal() principal: Principal,
    @Query('limit') limitParameter?: string,
    @Query('offset') offsetParameter?: string,
  ): Promise<InboxView> {
    const limit = integerParameter('limit', limitParameter, 25, 1, 100);
    const offset = integerParameter('offset', offsetParameter, 0, 0, 100_000);
    const page = await this.alerts.inbox(principal.organisationId, { limit, offset });
    return {
      alerts: page.alerts.map((alert) => ({
        alertId: alert.alertId,
        title: alert.title,
        severity: alert.severity,
        disclosureLevel: alert.disclosureLevel,
        state: alert.state,
        requestedAt: alert.requestedAt.toISOString(),
        acknowledgeBy: alert.acknowledgeBy.toISOString(),
        deliveredAt: alert.deliveredAt.toISOString(),
        acknowledgedByUs: alert.acknowledgedByUsAt !== null,
        acknowledgedByUsAt: alert.acknowledgedByUsAt?.toISOString() ?? null,
      })),
      total: page.total,
      limit,
      offset,
      nextOffset: offset + page.alerts.length < page.total ? offset + page.alerts.length : null,
    };
  }

  @Get('boroughs/alert-counts')
  @Authorize('notification.borough.alert-counts')
  async countsByBorough(
    @Query('from') fromParameter?: string,
    @Query('to') toParameter?: string,
  ): Promise<BoroughCountsView> {
    const to = dateParameter('to', toParameter) ?? new Date();
    const from = dateParameter('from', fromParameter) ?? new Date(to.getTime() - 30 * DAY_MS);
    if (from >= to) {
      throw new ValidationProblem([{ pointer: '/from', message: 'must be before to' }]);
    }
    if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
      throw new ValidationProblem([
        { pointer: '/from', message: `the period may span at most ${MAX_PERIOD_DAYS} days` },
      ]);
    }
    const counts = await this.alerts.countsByBorough(from, to);
    const of = (borough: string) => counts.find((c) => c.borough === borough);
    const pan = of(PAN_LONDON);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      boroughs: LONDON_AUTHORITIES.map((authority) => ({
        gss: authority.gss,
        name: authority.name,
        alerts: of(authority.gss)?.alerts ?? 0,
        open: of(authority.gss)?.open ?? 0,
      })),
      panLondon: { alerts: pan?.alerts ?? 0, open: pan?.open ?? 0 },
    };
  }
}

function integerParameter(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const parsed = INTEGER.test(value) ? Number(value) : NaN;
  if (!(parsed >= min && parsed <= max)) {
    throw new ValidationProblem([
      { pointer: `/${name}`, message: `must be a whole number from ${min} to ${max}` },
    ]);
  }
  return parsed;
}

function dateParameter(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const parsed = DATE_TIME.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(parsed.getTime())) {
    throw new ValidationProblem([
      { pointer: `/${name}`, message: 'must be an ISO 8601 date or date-time' },
    ]);
  }
  return parsed;
}
