import { isSessionToken, type Logger } from '@harbour/platform';
import type { NextFunction, Request, Response } from 'express';
import { isConsoleRequest, type SessionCookie, sessionTokenOf } from '../auth/session-cookie';

/** The services the console's pages call, by the name in `/api/<service>/...`. */
export type ServiceUrls = Readonly<
  Record<'intake' | 'safeguarding' | 'accommodation' | 'notification', string>
>;

const SAFE_METHODS = new Set(['GET', 'HEAD']);
const FORWARDED_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** Request headers passed on; everything else (cookies included) stays behind. */
const REQUEST_HEADERS = ['accept', 'content-type', 'idempotency-key'];
/** Response headers passed back. */
const RESPONSE_HEADERS = ['content-type', 'retry-after'];
const API_PATH = /^\/(intake|safeguarding|accommodation|notification)(\/v1\/[^?#]*)$/;
const TIMEOUT_MS = 15_000;

function problem(response: Response, status: number, title: string, detail: string): void {
  response
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

/**
 * `/api/<service>/v1/...` → the service's REST API, with the session token as the bearer
 * credential (ADR-32): the service's own guard, the authorization matrix and its handlers decide
 * everything, exactly as for a partner system's API key. State-changing requests must carry
 * `X-Harbour-Console: 1` (CSRF); the cookie is `SameSite=Strict` besides. Nothing is logged
 * of a request but its service, method and status.
 */
export function apiProxy(options: {
  services: ServiceUrls;
  cookie: SessionCookie;
  logger: Logger;
}) {
  return (request: Request, response: Response, next: NextFunction): void => {
    void forward(request, response).catch(next);
  };

  async function forward(request: Request, response: Response): Promise<void> {
    const match = API_PATH.exec(request.path);
    const service = match?.[1] as keyof ServiceUrls | undefined;
    const path = match?.[2];
    // `..` in any spelling: the URL parser would resolve `%2e%2e` to `..` as well.
    if (service === undefined || path === undefined || /\.\.|%2e/i.test(path)) {
      problem(response, 404, 'Not Found', 'No such API.');
      return;
    }
    if (!FORWARDED_METHODS.has(request.method)) {
      problem(response, 405, 'Method Not Allowed', 'Not a method of the API.');
      return;
    }
    if (!SAFE_METHODS.has(request.method) && !isConsoleRequest(request)) {
      problem(response, 403, 'Forbidden', 'Send this from the console (X-Harbour-Console: 1).');
      return;
    }
    const token = sessionTokenOf(request, options.cookie);
    if (token === undefined || !isSessionToken(token)) {
      problem(response, 401, 'Unauthorized', 'Sign in to use the console.');
      return;
    }
    const target = new URL(path, options.services[service]);
    const query = request.url.indexOf('?');
    if (query >= 0) target.search = request.url.slice(query);
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    for (const name of REQUEST_HEADERS) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const hasBody = !SAFE_METHODS.has(request.method) && request.body !== undefined;
    let upstream: globalThis.Response;
    try {
      upstream = await fetch(target, {
        method: request.method,
        headers,
        ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      options.logger.warn(
        { service, method: request.method, error: error instanceof Error ? error.name : 'error' },
        'service unreachable from the console',
      );
      problem(response, 502, 'Bad Gateway', `The ${service} service did not answer.`);
      return;
    }
    response.status(upstream.status);
    for (const name of RESPONSE_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) response.setHeader(name, value);
    }
    response.send(Buffer.from(await upstream.arrayBuffer()));
  }
}
