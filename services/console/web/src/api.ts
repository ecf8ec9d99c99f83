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

async function call<T>(
  path: string,
  init: { method?: string; body?: string; json?: boolean } = {},
): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: {
      Accept: 'application/json',
      ...CONSOLE_HEADERS,
      ...(init.json === true ? { 'Content-Type': 'application/json' } : {}),
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

const json = (body: unknown) => ({ method: 'POST', json: true, body: JSON.stringify(body) });

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
  boroughCounts: (from: Date, to: Date) =>
    call<BoroughCounts>(
      `/api/notification/v1/boroughs/alert-counts?from=${from.toISOString()}&to=${to.toISOString()}`,
    ),
};
