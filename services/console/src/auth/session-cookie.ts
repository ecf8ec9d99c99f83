import type { Request, Response } from 'express';

/**
 * The session cookie: `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page
 * sends it), `Path=/`; over https also `Secure` with the `__Host-` prefix, which the browser
 * accepts only from a secure origin, without a Domain, for the whole host.
 */
export interface SessionCookie {
  readonly name: string;
  readonly secure: boolean;
}

export function sessionCookieFor(publicUrl: string): SessionCookie {
  const secure = new URL(publicUrl).protocol === 'https:';
  return { name: secure ? '__Host-harbour_session' : 'harbour_session', secure };
}

function attributes(cookie: SessionCookie): string {
  return `Path=/; HttpOnly; SameSite=Strict${cookie.secure ? '; Secure' : ''}`;
}

export function setSessionCookie(
  response: Response,
  cookie: SessionCookie,
  token: string,
  expiresAt: Date,
): void {
  response.append(
    'Set-Cookie',
    `${cookie.name}=${token}; ${attributes(cookie)}; Expires=${expiresAt.toUTCString()}`,
  );
}

export function clearSessionCookie(response: Response, cookie: SessionCookie): void {
  response.append(
    'Set-Cookie',
    `${cookie.name}=; ${attributes(cookie)}; Expires=Thu, 01 Jan 1970 00:00:00 GMT`,
  );
}

/** The session token the browser sent, or undefined. Never logged. */
export function sessionTokenOf(request: Request, cookie: SessionCookie): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === cookie.name) {
      const value = part.slice(separator + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

/** The header the console's own pages send on every state-changing request (CSRF defence). */
export const CONSOLE_HEADER = 'x-harbour-console';

/**
 * A state-changing request counts as the console's own only with `X-Harbour-Console: 1`: a
 * cross-site form cannot set a custom header, and a cross-site script cannot send one without
 * a CORS preflight, which the console never grants. `SameSite=Strict` is the second wall.
 */
export function isConsoleRequest(request: Request): boolean {
  return request.headers[CONSOLE_HEADER] === '1';
}
