import { HttpException, HttpStatus } from '@nestjs/common';
import { problemType } from './problem-types';

export interface ValidationIssue {
  /** JSON Pointer to the invalid field, e.g. `/borough` (or `header:Idempotency-Key`). */
  pointer: string;
  message: string;
}

/**
 * An error meant for the client, rendered by `ProblemDetailsFilter` as RFC 9457 problem details.
 * Extends Nest's HttpException so it still maps to the right status without the filter.
 */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly problemType: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: readonly { pointer: string; detail: string }[],
    /** Extra response headers, e.g. WWW-Authenticate. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail ?? title, status);
  }
}

/** 400: the request body or parameters are invalid; one entry per invalid field. */
export class ValidationProblem extends ProblemException {
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(
      HttpStatus.BAD_REQUEST,
      problemType('validation'),
      'Your request is not valid.',
      issues.length === 1 ? '1 field is invalid.' : `${issues.length} fields are invalid.`,
      issues.map((issue) => ({ pointer: issue.pointer, detail: issue.message })),
    );
  }
}

/** 401: no usable API key. One response for every cause, so it reveals nothing about keys. */
export class UnauthorizedProblem extends ProblemException {
  constructor(detail = 'A valid API key is required: send "Authorization: Bearer <key>".') {
    super(
      HttpStatus.UNAUTHORIZED,
      problemType('unauthorized'),
      'Authentication required.',
      detail,
      undefined,
      { 'WWW-Authenticate': 'Bearer realm="harbour"' },
    );
  }
}

/** 403: the caller is known but its organisation kind or roles do not allow this. */
export class ForbiddenProblem extends ProblemException {
  constructor(detail?: string) {
    super(HttpStatus.FORBIDDEN, problemType('forbidden'), 'You may not do this.', detail);
  }
}

/** 404: no such resource — or one the caller may not know exists. */
export class NotFoundProblem extends ProblemException {
  constructor(detail?: string) {
    super(HttpStatus.NOT_FOUND, problemType('not-found'), 'Not found.', detail);
  }
}

/** 409: the request conflicts with the resource's current state. */
export class ConflictProblem extends ProblemException {
  constructor(detail?: string) {
    super(HttpStatus.CONFLICT, problemType('conflict'), 'Conflict with current state.', detail);
  }
}

/** 422: well-formed but cannot be processed (e.g. an Idempotency-Key reused with another body). */
export class UnprocessableProblem extends ProblemException {
  constructor(detail?: string, errors?: readonly { pointer: string; detail: string }[]) {
    super(
      HttpStatus.UNPROCESSABLE_ENTITY,
      problemType('unprocessable'),
      'The request cannot be processed.',
      detail,
      errors,
    );
  }
}
