import { Controller, Get, HttpStatus, Inject, Req, Res } from '@nestjs/common';
import { NotFoundProblem, Public } from '@harbour/platform';
import type { Request, Response } from 'express';
import type { ConsoleRuntime } from '../console-runtime';
import { CONSOLE_RUNTIME } from '../tokens';
import { OIDC_START_PATH } from './oidc-settings';
import { setSessionCookie } from './session-cookie';
import { oidcSignInFailedPage, oidcUnavailablePage } from './sign-in-page';

/** How a person may sign in, for the sign-in page to offer. */
export interface SignInMethods {
  emailLink: boolean;
  provider: { name: string; start: string } | null;
}

/** Pages of this flow load only their own stylesheet; the callback's URL holds the code. */
const PAGE_POLICY =
  "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Sign-in through the OpenID Connect provider (ADR-37). Public by nature, like the e-mailed
 * link's routes: the provider's answer, bound to this browser by the transaction cookie, is the
 * credential. A verified address finds a person already in the identity store (never one made
 * here); every failure answers with the same page, so nobody learns whether an address has an
 * account. A sign-in is audited by the identity store exactly as a spent link is.
 */
@Controller('auth')
@Public()
export class OidcController {
  constructor(@Inject(CONSOLE_RUNTIME) private readonly runtime: ConsoleRuntime) {}

  @Get('methods')
  methods(): SignInMethods {
    const { config, oidc } = this.runtime;
    return {
      emailLink: config.CONSOLE_EMAIL_SIGN_IN,
      provider:
        oidc === undefined ? null : { name: oidc.settings.providerName, start: OIDC_START_PATH },
    };
  }

  /** To the provider, with a fresh state, nonce and PKCE verifier remembered in this browser. */
  @Get('oidc/start')
  async start(@Res() response: Response): Promise<void> {
    const { oidc, oidcTransaction, logger } = this.runtime;
    if (oidc === undefined) throw new NotFoundProblem('No identity provider is configured.');
    noStore(response);
    let started: Awaited<ReturnType<typeof oidc.start>>;
    try {
      started = await oidc.start();
    } catch (error) {
      logger.warn(
        { error: error instanceof Error ? error.name : 'unknown' },
        'identity provider unreachable: sign-in not started',
      );
      response
        .status(HttpStatus.SERVICE_UNAVAILABLE)
        .type('html')
        .send(oidcUnavailablePage(oidc.settings.providerName));
      return;
    }
    oidcTransaction.set(response, started.transaction);
    response.redirect(HttpStatus.SEE_OTHER, started.url.href);
  }

  /** The provider's answer: a session for a known person with a verified address, or nothing. */
  @Get('oidc/callback')
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const { oidc, oidcTransaction, people, config, cookie, logger } = this.runtime;
    if (oidc === undefined) throw new NotFoundProblem('No identity provider is configured.');
    noStore(response);
    // The transaction is spent whatever happens: one answer per start.
    const transaction = oidcTransaction.read(request);
    oidcTransaction.clear(response);
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    const outcome = await oidc.finish(query, transaction);
    const session =
      outcome.kind === 'verified'
        ? await people.signInVerifiedEmail(
            outcome.email,
            {
              reason: 'OpenID Connect sign-in',
              details: { method: 'oidc', issuer: oidc.settings.issuer.href },
            },
            {
              idleMinutes: config.CONSOLE_SESSION_IDLE_MINUTES,
              absoluteMinutes: config.CONSOLE_SESSION_MAX_MINUTES,
            },
          )
        : null;
    if (session === null) {
      // Counted by reason, never with the address or anything the provider sent.
      logger.info(
        {
          outcome: outcome.kind === 'verified' ? 'unknown' : outcome.reason,
          ...(outcome.kind === 'refused' && outcome.code !== undefined
            ? { code: outcome.code.slice(0, 64) }
            : {}),
        },
        'OpenID Connect sign-in refused',
      );
      response
        .status(HttpStatus.BAD_REQUEST)
        .type('html')
        .send(oidcSignInFailedPage(oidc.settings.providerName));
      return;
    }
    logger.info(
      { personId: session.personId, sessionId: session.sessionId, method: 'oidc' },
      'signed in',
    );
    setSessionCookie(response, cookie, session.token, session.expiresAt);
    response.redirect(HttpStatus.SEE_OTHER, '/');
  }
}

function noStore(response: Response): void {
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Content-Security-Policy', PAGE_POLICY);
  // The callback's URL holds the code: no page or redirect of it names more than the origin.
  response.setHeader('Referrer-Policy', 'no-referrer');
}
