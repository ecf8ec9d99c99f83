import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Inject,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from '../logging/logger';
import { HARBOUR_LOGGER } from '../tokens';
import { ProblemException } from './problem-exceptions';
import { type ProblemDetails, problemType } from './problem-types';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types for Nest's own HTTP errors that partners meet in practice. */
const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  [HttpStatus.BAD_REQUEST]: 'bad-request',
  [HttpStatus.UNAUTHORIZED]: 'unauthorized',
  [HttpStatus.FORBIDDEN]: 'forbidden',
  [HttpStatus.NOT_FOUND]: 'not-found',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'method-not-allowed',
  [HttpStatus.CONFLICT]: 'conflict',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'payload-too-large',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'unsupported-media-type',
  [HttpStatus.UNPROCESSABLE_ENTITY]: 'unprocessable',
  [HttpStatus.TOO_MANY_REQUESTS]: 'too-many-requests',
};

interface RenderedProblem {
  body: ProblemDetails;
  headers: Readonly<Record<string, string>>;
}

/**
 * Renders every error as RFC 9457 problem details. Client errors keep their message; anything
 * else becomes a 500 whose body holds only a fresh `errorId`, while the error itself (redacted)
 * goes to the log under that id — internals and personal data never reach the client.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(@Inject(HARBOUR_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') {
      // Harbour serves only HTTP through Nest; anything else is logged, never rendered.
      this.logger.error({ err: exception, context: host.getType() }, 'error outside HTTP');
      return;
    }
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const instance = requestPath(request);
    const { body, headers } = this.render(exception, instance, request.method);

    if (response.headersSent) {
      // The response already started (e.g. a stream failed half-way): all we can do is stop it.
      this.logger.warn({ instance, status: body.status }, 'error after response headers were sent');
      response.end();
      return;
    }
    response.status(body.status);
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    response.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    response.send(JSON.stringify(body));
  }

  private render(exception: unknown, instance: string, method: string): RenderedProblem {
    if (exception instanceof ProblemException) {
      return {
        body: {
          type: exception.problemType,
          title: exception.title,
          status: exception.getStatus(),
          ...(exception.detail === undefined ? {} : { detail: exception.detail }),
          instance,
          ...(exception.errors === undefined ? {} : { errors: [...exception.errors] }),
        },
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      const slug = TYPE_BY_STATUS[status];
      return {
        body: {
          type: slug === undefined ? 'about:blank' : problemType(slug),
          title: STATUS_CODES[status] ?? 'Client error',
          status,
          detail: clientDetail(exception),
          instance,
        },
        headers: status === 401 ? { 'WWW-Authenticate': 'Bearer realm="harbour"' } : {},
      };
    }

    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const errorId = randomUUID();
    this.logger.error({ err: exception, errorId, method, instance, status }, 'request failed');
    return {
      body: {
        type: problemType('internal-error'),
        title: STATUS_CODES[status] ?? 'Internal Server Error',
        status,
        detail: 'Something went wrong on our side. Quote the errorId if you report it.',
        instance,
        errorId,
      },
      headers: {},
    };
  }
}

/** What a client may read about its own mistake; parse errors are summarised, not echoed. */
function clientDetail(exception: HttpException): string {
  const status = exception.getStatus();
  if (status === 400 && exception.cause instanceof SyntaxError) {
    return 'The request body is not valid JSON.';
  }
  if (status === 413) return 'The request body is too large.';
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return exception.message;
}

/** The path only: a query string may carry personal data and is not part of `instance`. */
function requestPath(request: Request): string {
  const url = request.originalUrl || request.url;
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}
