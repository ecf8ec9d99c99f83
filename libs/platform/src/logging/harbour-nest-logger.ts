import type { LoggerService } from '@nestjs/common';
import type { Logger } from './logger';

// Nest reports every mapped route and module at "log" level on each start; that is debug noise.
const CHATTY_NEST_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Routes NestJS's own log calls (`app.useLogger`) into the Harbour JSON logger. */
export class HarbourNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    const { context } = splitParams(params);
    const level = context !== undefined && CHATTY_NEST_CONTEXTS.has(context) ? 'debug' : 'info';
    this.write(level, message, context);
  }

  error(message: unknown, ...params: unknown[]): void {
    const { context, rest } = splitParams(params);
    const stack = typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) {
      this.logger.error({ err: message, context }, message.message);
    } else if (stack !== undefined) {
      this.logger.error({ context, stack }, describe(message));
    } else {
      this.write('error', message, context);
    }
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, splitParams(params).context);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, splitParams(params).context);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, splitParams(params).context);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.error(message, ...params);
  }

  private write(
    level: 'info' | 'warn' | 'error' | 'debug',
    message: unknown,
    context: string | undefined,
  ): void {
    if (message instanceof Error) this.logger[level]({ err: message, context }, message.message);
    else if (message !== null && typeof message === 'object') {
      this.logger[level]({ context, detail: message });
    } else this.logger[level]({ context }, describe(message));
  }
}

/** Nest passes the context (a class name) as the last string parameter; a stack has newlines. */
function splitParams(params: unknown[]): { context: string | undefined; rest: unknown[] } {
  const last = params.at(-1);
  return typeof last === 'string' && !last.includes('\n')
    ? { context: last, rest: params.slice(0, -1) }
    : { context: undefined, rest: params };
}

function describe(message: unknown): string {
  return typeof message === 'string' ? message : String(message);
}
