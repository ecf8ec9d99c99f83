/** What the London map asks the services for, through the console's same-origin proxy. */
import { ApiError } from './api';
import type { BoroughFigures } from './map-layers';

interface AlertCounts {
  from: string;
  to: string;
  boroughs: { gss: string; name: string; alerts: number; open: number }[];
  panLondon: { alerts: number; open: number };
}

interface IntakeCounts {
  from: string;
  to: string;
  boroughs: {
    gss: string;
    name: string;
    operations: number;
    missingChildren: number;
    missingChildrenStillMissing: number;
    referrals: number;
  }[];
}

export interface BoroughPartners {
  gss: string;
  name: string;
  partners: { name: string; kind: string; panLondon: boolean }[];
}

export interface MapFigures {
  from: string;
  to: string;
  boroughs: BoroughFigures[];
  /** Alerts for every borough at once, which no borough's figure includes; null if unknown. */
  panLondon: { alerts: number; open: number } | null;
  /** What could not be loaded, in words (the other layers are still shown). */
  problems: string[];
}

async function get<T>(path: string): Promise<T> {
  const response = await fetch(path, {
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'X-Harbour-Console': '1' },
  });
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const problem = (await response.json()) as { detail?: string; title?: string };
      detail = problem.detail ?? problem.title ?? detail;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, detail);
  }
  return (await response.json()) as T;
}

const periodQuery = (from: Date, to: Date) =>
  `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;

const reason = (result: PromiseSettledResult<unknown>): string =>
  result.status === 'rejected' && result.reason instanceof Error
    ? result.reason.message
    : 'no answer';

/**
 * Every layer's figures for the period: open alerts from notification, operations, missing
 * children and referrals from intake, asked side by side; one failing leaves the other shown.
 */
export async function mapFigures(from: Date, to: Date): Promise<MapFigures> {
  const query = periodQuery(from, to);
  const [alerts, intake] = await Promise.allSettled([
    get<AlertCounts>(`/api/notification/v1/boroughs/alert-counts?${query}`),
    get<IntakeCounts>(`/api/intake/v1/boroughs/counts?${query}`),
  ]);
  const problems: string[] = [];
  if (alerts.status === 'rejected') problems.push(`Alerts could not be loaded: ${reason(alerts)}`);
  if (intake.status === 'rejected') {
    problems.push(
      `Operations, missing children and referrals could not be loaded: ${reason(intake)}`,
    );
  }
  const alertsOf = new Map(
    alerts.status === 'fulfilled' ? alerts.value.boroughs.map((b) => [b.gss, b] as const) : [],
  );
  const intakeOf = new Map(
    intake.status === 'fulfilled' ? intake.value.boroughs.map((b) => [b.gss, b] as const) : [],
  );
  const names =
    alerts.status === 'fulfilled'
      ? alerts.value.boroughs
      : intake.status === 'fulfilled'
        ? intake.value.boroughs
        : [];
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    boroughs: names.map(({ gss, name }) => {
      const a = alertsOf.get(gss);
      const i = intakeOf.get(gss);
      return {
        gss,
        name,
        openAlerts: a?.open ?? null,
        alerts: a?.alerts ?? null,
        operations: i?.operations ?? null,
        missingChildren: i?.missingChildren ?? null,
        missingChildrenStillMissing: i?.missingChildrenStillMissing ?? null,
        referrals: i?.referrals ?? null,
      };
    }),
    panLondon: alerts.status === 'fulfilled' ? alerts.value.panLondon : null,
    problems,
  };
}

/** Who serves a borough: names and kinds, asked when a borough is opened. */
export function boroughPartners(gss: string): Promise<BoroughPartners> {
  return get<BoroughPartners>(`/api/notification/v1/boroughs/${encodeURIComponent(gss)}/partners`);
}
