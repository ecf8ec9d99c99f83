import type { NextFunction, Request, Response } from 'express';

/**
 * Paths that take HTML-form posts (`application/x-www-form-urlencoded`): the signed
 * acknowledgement-link page, which a browser submits as a form. Every other route takes JSON only.
 */
export const DEFAULT_FORM_PATHS: readonly string[] = ['/ack/'];

// A UTF-16 surrogate without its partner cannot be stored in Postgres text or jsonb.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text Postgres cannot store (NUL, or half of a surrogate pair): refused at the edge, not a 500. */
export function isUnstorableText(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/** JSON.parse reviver for the JSON body parser: a refused string becomes a 400 parse error. */
export function refuseUnstorableText(key: string, value: unknown): unknown {
  if (isUnstorableText(key) || (typeof value === 'string' && isUnstorableText(value))) {
    throw new SyntaxError('text holds a NUL character or an unpaired UTF-16 surrogate');
  }
  return value;
}

function problem(response: Response, status: number, title: string, detail: string): void {
  const slug = status === 415 ? 'unsupported-media-type' : 'bad-request';
  response
    .status(status)
    .type('application/problem+json')
    .send(
      JSON.stringify({ type: `https://harbour.example/problems/${slug}`, title, status, detail }),
    );
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}

/**
 * Before any body is parsed: a request body must be JSON, except a form post to one of
 * `formPaths`. Anything else (a form post to an API route, text, XML…) is a 415, so no parser
 * ever turns it into an object a handler would take for JSON.
 */
export function requireJsonBodies(formPaths: readonly string[]) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (!hasBody(request)) {
      next();
      return;
    }
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    const json =
      type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type ?? '');
    const form =
      type === 'application/x-www-form-urlencoded' &&
      formPaths.some((prefix) => request.path.startsWith(prefix));
    if (json || form) {
      next();
      return;
    }
    problem(response, 415, 'Unsupported Media Type', 'Send the request body as application/json.');
  };
}

function anyUnstorable(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return isUnstorableText(value);
  if (value === null || typeof value !== 'object' || depth > 32) return false;
  return Object.entries(value).some(
    ([key, inner]) => isUnstorableText(key) || anyUnstorable(inner, depth + 1),
  );
}

/** After the form parser (which has no reviver): the same refusal for form fields. */
export function refuseUnstorableFormText(
  request: Request,
  response: Response,
  next: NextFunction,
): void {
  if (request.is('application/x-www-form-urlencoded') && anyUnstorable(request.body)) {
    problem(
      response,
      400,
      'Bad Request',
      'The form holds a NUL character or an unpaired UTF-16 surrogate.',
    );
    return;
  }
  next();
}
