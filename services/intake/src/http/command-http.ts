import {
  ConflictProblem,
  NotFoundProblem,
  UnprocessableProblem,
  ValidationProblem,
} from '@harbour/platform';
import type { Request, Response } from 'express';
import { RequestRejected, type Rejection } from '../application/request-rejected';
import { isValidIdempotencyKey, requestHash } from '../idempotency/idempotency';
import type { CommandResult, RequestIdempotency } from '../idempotency/idempotent-transaction';

/** The request's Idempotency-Key (optional on every intake POST), checked and bound to the body. */
export function idempotencyOf(
  header: string | undefined,
  req: Request,
  body: unknown,
): RequestIdempotency | undefined {
  if (header === undefined) return undefined;
  if (!isValidIdempotencyKey(header)) {
    throw new ValidationProblem([
      { pointer: 'header:Idempotency-Key', message: 'must be 1-255 visible ASCII characters' },
    ]);
  }
  return { key: header, hash: requestHash(req.method, req.path, body) };
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

/** Runs a command and maps its refusal to a problem response. */
export async function runCommand(
  res: Response,
  command: () => Promise<CommandResult>,
): Promise<unknown> {
  try {
    return sendCommandResult(res, await command());
  } catch (error) {
    if (error instanceof RequestRejected) throw problemOf(error.rejection);
    throw error;
  }
}
