import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { HarbourNestLogger } from '../logging/harbour-nest-logger';
import type { Logger } from '../logging/logger';
import { securityHeaders } from './security-headers';

/** Largest request body accepted; beyond it the client gets a 413 problem. */
export const MAX_REQUEST_BODY = '256kb';

export interface ConfigureHttpAppOptions {
  logger: Logger;
}

/**
 * Applies the HTTP settings every Harbour service shares. Call it right after
 * `NestFactory.create` (with the Express platform) and before `listen`/`init`:
 * Harbour JSON logging for Nest's own messages, a 256 kb body limit, security headers,
 * no `X-Powered-By`, and shutdown hooks so SIGTERM closes the app (and its `onApplicationShutdown`
 * providers) cleanly.
 */
export function configureHttpApp(app: INestApplication, options: ConfigureHttpAppOptions): void {
  app.useLogger(new HarbourNestLogger(options.logger));
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  express.use(securityHeaders);
  // Registered before init, so Nest skips its default parsers (100 kb limit) for these types.
  express.useBodyParser('json', { limit: MAX_REQUEST_BODY });
  express.useBodyParser('urlencoded', { limit: MAX_REQUEST_BODY, extended: false });
  app.enableShutdownHooks();
}
