/**
 * Base of every problem `type` URI. Partners may dereference these for documentation, so they
 * are part of the public API: change the base only with a new API version.
 */
export const PROBLEM_TYPE_BASE = 'https://harbour.example/problems/';

export function problemType(slug: string): string {
  return `${PROBLEM_TYPE_BASE}${slug}`;
}

/** One RFC 9457 problem details body (`application/problem+json`). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** The request path the problem occurred on. */
  instance: string;
  /** One entry per invalid field (validation problems). */
  errors?: { pointer: string; detail: string }[];
  /** Set on 5xx responses only: quote it to find the logged error. */
  errorId?: string;
}
