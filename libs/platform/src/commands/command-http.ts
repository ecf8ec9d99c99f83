import { type RestBodies, type RestBodyName, validateRestBody } from '@harbour/contracts';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Principal } from '../identity/principal';
import {
  ConflictProblem,
  ForbiddenProblem,
  NotFoundProblem,
  UnprocessableProblem,
  ValidationProblem,
} from '../problems/problem-exceptions';
import { isValidIdempotencyKey, type RequestIdempotency, requestHash } from './idempotency-key';
import type { CommandContext, CommandResult } from './idempotent-transaction';
import { RequestRejected, type Rejection } from './request-rejected';

/** What a command endpoint takes from the HTTP exchange: the raw body, its key, req and res. */
export interface CommandExchange {
  body: unknown;
  idempotencyKey: string | undefined;
  req: Request;
  res: Response;
}

/**
 * The current `CommandExchange`. The handler only sets status and headers on `res`; Nest still
 * sends what the handler returns (as with `@Res({ passthrough: true })`).
 */
export const Exchange = createParamDecorator(
  (_data: unknown, context: ExecutionContext): CommandExchange => {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    return {
      body: req.body as unknown,
      idempotencyKey: req.header('idempotency-key'),
      req,
      res: http.getResponse<Response>(),
    };
  },
);

/** The request's Idempotency-Key (optional on every command), checked and bound to the body. */
export function idempotencyOf(exchange: CommandExchange): RequestIdempotency | undefined {
  const { idempotencyKey, req, body } = exchange;
  if (idempotencyKey === undefined) return undefined;
  if (!isValidIdempotencyKey(idempotencyKey)) {
    throw new ValidationProblem([
      { pointer: 'header:Idempotency-Key', message: 'must be 1-255 visible ASCII characters' },
    ]);
  }
  return { key: idempotencyKey, hash: requestHash(req.method, req.path, body) };
}

/** Writes a command's (possibly replayed) response: status, Location, Idempotent-Replayed. */
export function sendCommandResult(res: Response, result: CommandResult): unknown {
  res.status(result.response.status);
  if (result.response.location) res.setHeader('Location', result.response.location);
  if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
  return result.response.body;
}

function problemOf(rejection: Rejection): Error {
  switch (rejection.kind) {
    case 'invalid':
      return new ValidationProblem(rejection.issues);
    case 'forbidden':
      return new ForbiddenProblem(rejection.message);
    case 'not_found':
      return new NotFoundProblem(rejection.message);
    case 'conflict':
      return new ConflictProblem(rejection.message);
    case 'unprocessable':
      return new UnprocessableProblem(rejection.message);
    case 'idempotency_key_reused':
      return new UnprocessableProblem(
        'This Idempotency-Key was already used with a different request.',
      );
  }
}

/**
 * A command endpoint, once authorised: the body checked against its contract, then the
 * endpoint's own checks (`admit`; a bad body or a refused borough is reported before a bad
 * Idempotency-Key), then the command under the caller's key. Writes the status, Location and
 * Idempotent-Replayed headers and maps a refusal to its problem response.
 */
export async function handleCommand<N extends RestBodyName>(
  exchange: CommandExchange,
  principal: Principal,
  schema: N,
  command: (body: RestBodies[N], context: CommandContext) => Promise<CommandResult>,
  admit?: (body: RestBodies[N]) => void,
): Promise<unknown> {
  const validation = validateRestBody(schema, exchange.body);
  if (!validation.ok) throw new ValidationProblem(validation.issues);
  admit?.(validation.value);
  const idempotency = idempotencyOf(exchange);
  try {
    return sendCommandResult(
      exchange.res,
      await command(validation.value, { principal, idempotency }),
    );
  } catch (error) {
    if (error instanceof RequestRejected) throw problemOf(error.rejection);
    throw error;
  }
}
