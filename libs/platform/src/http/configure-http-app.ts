import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { HarbourNestLogger } from '../logging/harbour-nest-logger';
import type { Logger } from '../logging/logger';
import {
  DEFAULT_FORM_PATHS,
  refuseUnstorableFormText,
  refuseUnstorableText,
  requireJsonBodies,
} from './body-guards';
import { securityHeaders } from './security-headers';

/** Largest request body accepted; beyond it the client gets a 413 problem. */
export const MAX_REQUEST_BODY = '256kb';

export interface ConfigureHttpAppOptions {
  logger: Logger;
  /** Path prefixes that accept HTML-form posts; default `DEFAULT_FORM_PATHS`. */
  formPaths?: readonly string[];
}

/**
 * Applies the HTTP settings every Harbour service shares. Call it right after
 * `NestFactory.create` (with the Express platform) and before `listen`/`init`:
 * Harbour JSON logging for Nest's own messages, a 256 kb body limit, JSON-only bodies (form
 * posts only to the form paths), refusal of text Postgres cannot store, security headers,
 * no `X-Powered-By`, and shutdown hooks so SIGTERM closes the app (and its `onApplicationShutdown`
 * providers) cleanly.
 */
export function configureHttpApp(app: INestApplication, options: ConfigureHttpAppOptions): void {
  app.useLogger(new HarbourNestLogger(options.logger));
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  express.use(securityHeaders);
  // JSON only, except form posts to the form paths (415 otherwise), and no text Postgres cannot
  // store (a 400 from the parser instead of a 500 from the database).
  express.use(requireJsonBodies(options.formPaths ?? DEFAULT_FORM_PATHS));
  // Registered before init, so Nest skips its default parsers (100 kb limit) for these types.
  express.useBodyParser('json', { limit: MAX_REQUEST_BODY, reviver: refuseUnstorableText });
  express.useBodyParser('urlencoded', { limit: MAX_REQUEST_BODY, extended: false });
  express.use(refuseUnstorableFormText);
  app.enableShutdownHooks();
}
