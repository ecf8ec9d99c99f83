import { type RestBodies, type RestBodyName, validateRestBody } from '@harbour/contracts';
import {
  ConflictProblem,
  NotFoundProblem,
  type Principal,
  UnprocessableProblem,
  ValidationProblem,
} from '@harbour/platform';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  type CommandContext,
  type CommandResult,
  isValidIdempotencyKey,
  requestHash,
} from './idempotent-transaction';
import { RequestRejected, type Rejection } from './request-rejected';

/** What a command endpoint takes from the HTTP exchange: the raw body, its key, req and res. */
export interface CommandExchange {
  body: unknown;
  idempotencyKey: string | undefined;
  req: Request;
  res: Response;
}

/** The current `CommandExchange`; the handler sets status and headers, Nest sends its return value. */
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

function problemOf(rejection: Rejection): Error {
  switch (rejection.kind) {
    case 'invalid':
      return new ValidationProblem(rejection.issues);
    case 'not_found':
      return new NotFoundProblem(rejection.message);
    case 'conflict':
      return new ConflictProblem(rejection.message);
    case 'idempotency_key_reused':
      return new UnprocessableProblem(
        'This Idempotency-Key was already used with a different request.',
      );
  }
}

/**
 * A command endpoint, once authorised: the body checked against its contract, then the
 * Idempotency-Key (optional), then the command. Writes status, Location and Idempotent-Replayed
 * and maps a refusal to its problem response.
 */
export async function handleCommand<N extends RestBodyName>(
  exchange: CommandExchange,
  principal: Principal,
  schema: N,
  command: (body: RestBodies[N], context: CommandContext) => Promise<CommandResult>,
): Promise<unknown> {
  const validation = validateRestBody(schema, exchange.body);
  if (!validation.ok) throw new ValidationProblem(validation.issues);
  const { idempotencyKey, req, res } = exchange;
  if (idempotencyKey !== undefined && !isValidIdempotencyKey(idempotencyKey)) {
    throw new ValidationProblem([
      { pointer: 'header:Idempotency-Key', message: 'must be 1-255 visible ASCII characters' },
    ]);
  }
  const idempotency =
    idempotencyKey === undefined
      ? undefined
      : { key: idempotencyKey, hash: requestHash(req.method, req.path, exchange.body) };
  try {
    const result = await command(validation.value, { principal, idempotency });
    res.status(result.response.status);
    if (result.response.location) res.setHeader('Location', result.response.location);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result.response.body;
  } catch (error) {
    if (error instanceof RequestRejected) throw problemOf(error.rejection);
    throw error;
  }
}
