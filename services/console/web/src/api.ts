/** Same-origin calls to the console: its own /auth routes and the /api proxy to the services. */

export interface Session {
  person: { id: string; roles: string[] };
  organisation: { id: string; name: string; kind: string; boroughs: string[] };
}

export interface InboxAlert {
  alertId: string;
  title: string;
  /** critical, high or informational. */
  severity: string;
  disclosureLevel: string;
  state: string;
  requestedAt: string;
  acknowledgeBy: string;
  deliveredAt: string;
  acknowledgedByUs: boolean;
  acknowledgedByUsAt: string | null;
}

export interface Inbox {
  alerts: InboxAlert[];
  total: number;
  nextOffset: number | null;
}

export interface BoroughCounts {
  from: string;
  to: string;
  boroughs: { gss: string; name: string; alerts: number; open: number }[];
  panLondon: { alerts: number; open: number };
}

/** `GET /v1/alerts/{id}/details`: exactly what the caller's organisation was cleared for. */
export interface AlertDetails {
  alertId: string;
  title: string;
  severity: string;
  level: string;
  acknowledgeBy: string;
  state: string;
  lines: DetailLine[];
  stages: {
    stageId: string;
    level: string;
    releasedAt: string;
    title: string;
    lines: DetailLine[];
  }[];
}

export interface DetailLine {
  label: string;
  value: string;
}

/** A provider's property (`GET /v1/properties`): the district, never an address. */
export interface Property {
  propertyId: string;
  label: string;
  borough: string;
  postcodeDistrict: string;
  genderServed: string;
  ages: string[];
  supportLevel: string;
  beds: number;
  availableBeds: number;
  heldBeds: number;
  freeBeds: number;
  availabilityConfirmedAt: string;
  stale: boolean;
}

/** An offer as its provider sees it (`GET /v1/offers`): needs and the hold, never who. */
export interface Offer {
  offerId: string;
  requestId: string;
  propertyId: string;
  propertyLabel: string;
  state: string;
  endReason: string | null;
  needs: {
    gender: string;
    ageGroup: string;
    ageYears?: number;
    accompanyingChildren: number;
    languages: string[];
    accessNeeds: string[];
    supportLevel: string;
    nrmStage: string;
    nrpf: boolean;
  };
  urgency: { kind: string; neededBy: string; matchBy: string };
  explanation: string[];
  offeredAt: string;
  holdExpiresAt: string;
  secondsLeft: number;
  decidedAt: string | null;
}

/** The answer to an acceptance: the placement, with the person's names for the provider. */
export interface Placement {
  placementId: string;
  confirmedAt: string;
  propertyLabel?: string;
  person?: { givenName?: string; familyName?: string };
}

export type DeclineReason = 'no_space' | 'unsuitable' | 'safety' | 'other';

/** `GET /v1/operations`: the caller's organisation's operations, no address or lead contact. */
export interface OperationSummary {
  operationId: string;
  state: string;
  kind: string;
  premisesKind: string;
  borough: string;
  plannedStart: string;
  plannedEnd: string;
  plannedAt: string;
  updatedAt: string;
}

export interface OperationPage {
  operations: OperationSummary[];
  total: number;
  nextOffset: number | null;
}

export type CauseKind = 'operation' | 'missing_episode' | 'referral' | 'bed_request';

/** `GET /v1/causes/{kind}/{id}/alerts`: who was told what and when, and what they answered. */
export interface CauseAlerts {
  cause: { kind: CauseKind; id: string };
  alerts: {
    alertId: string;
    title: string;
    severity: string;
    disclosureLevel: string;
    state: string;
    requestedAt: string;
    supersedes?: string;
    stagesReleased: { level: string; releasedAt: string; roles?: string[] }[];
    recipients: {
      organisation: { id: string; name: string; kind: string };
      rule: string;
      deliveries: {
        purpose: 'alert' | 'escalation';
        channel: string;
        status: string;
        deliveredAt?: string;
      }[];
      acknowledgedAt?: string;
      response?: string;
    }[];
  }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Every state-changing request says it comes from the console (the server's CSRF check). */
const CONSOLE_HEADERS = { 'X-Harbour-Console': '1' };

export async function call<T>(
  path: string,
  init: { method?: string; body?: string; json?: boolean; idempotencyKey?: string } = {},
): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: {
      Accept: 'application/json',
      ...CONSOLE_HEADERS,
      ...(init.json === true ? { 'Content-Type': 'application/json' } : {}),
      ...(init.idempotencyKey === undefined ? {} : { 'Idempotency-Key': init.idempotencyKey }),
    },
    ...(init.body === undefined ? {} : { body: init.body }),
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
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const json = (body: unknown, method = 'POST') => ({
  method,
  json: true,
  body: JSON.stringify(body),
});
const id = (value: string) => encodeURIComponent(value);

export const api = {
  session: () => call<Session>('/auth/session'),
  requestLink: (email: string) => call<{ message: string }>('/auth/link', json({ email })),
  signOut: () => call<undefined>('/auth/sign-out', { method: 'POST' }),
  signOutEverywhere: () => call<undefined>('/auth/sign-out-everywhere', { method: 'POST' }),
  inbox: (offset = 0) => call<Inbox>(`/api/notification/v1/alerts?limit=50&offset=${offset}`),
  acknowledge: (alertId: string, response: string) =>
    call<unknown>(
      `/api/notification/v1/alerts/${encodeURIComponent(alertId)}/acknowledgements`,
      json(response.trim() === '' ? {} : { response: response.trim() }),
    ),
  /** Only on a person's click: each call above a notice is an audited disclosure. */
  alertDetails: (alertId: string) =>
    call<AlertDetails>(`/api/notification/v1/alerts/${id(alertId)}/details`),
  properties: () => call<{ properties: Property[] }>('/api/accommodation/v1/properties'),
  setAvailability: (propertyId: string, availableBeds: number) =>
    call<Property>(
      `/api/accommodation/v1/properties/${id(propertyId)}/availability`,
      json({ availableBeds }, 'PUT'),
    ),
  offers: () => call<{ offers: Offer[] }>('/api/accommodation/v1/offers'),
  /** One key per decision: a retried click is answered once, never decided twice. */
  decideOffer: (
    offerId: string,
    decision: { decision: 'accept' } | { decision: 'decline'; declineReason?: DeclineReason },
    idempotencyKey: string,
  ) =>
    call<Placement | { offerId: string; state: string; decidedAt: string }>(
      `/api/accommodation/v1/offers/${id(offerId)}/decision`,
      { ...json(decision), idempotencyKey },
    ),
  operations: (offset = 0) =>
    call<OperationPage>(`/api/intake/v1/operations?limit=50&offset=${offset}`),
  causeAlerts: (kind: CauseKind, causeId: string) =>
    call<CauseAlerts>(`/api/notification/v1/causes/${kind}/${id(causeId)}/alerts`),
  boroughCounts: (from: Date, to: Date) =>
    call<BoroughCounts>(
      `/api/notification/v1/boroughs/alert-counts?from=${from.toISOString()}&to=${to.toISOString()}`,
    ),
};
