import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ForbiddenProblem,
  isSessionToken,
  NotFoundProblem,
  isSignInToken,
  Public,
  SIGN_IN_LINK_MINUTES,
  UnauthorizedProblem,
  ValidationProblem,
} from '@harbour/platform';
import type { Request, Response } from 'express';
import type { ConsoleRuntime } from '../console-runtime';
import { CONSOLE_RUNTIME } from '../tokens';
import {
  clearSessionCookie,
  isConsoleRequest,
  sessionTokenOf,
  setSessionCookie,
} from './session-cookie';
import { signInFailedPage, signInPage } from './sign-in-page';

export interface SessionView {
  person: { id: string; roles: string[] };
  organisation: { id: string; name: string; kind: string; boroughs: string[] };
}

const LINK_ANSWER = {
  message:
    'If that address belongs to someone in Harbour, a sign-in link is on its way. It works once, for 15 minutes.',
};

/** The sign-in page may load only its own stylesheet and post only to the console. */
const SIGN_IN_PAGE_POLICY =
  "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Passwordless sign-in (ADR-32): an e-mailed single-use link, exchanged by a POST for a session
 * cookie. These routes are public by nature — the link token or the session cookie is the
 * credential — and every answer is the same whether or not an address, link or session exists.
 */
@Controller('auth')
@Public()
export class AuthController {
  constructor(@Inject(CONSOLE_RUNTIME) private readonly runtime: ConsoleRuntime) {}

  /** 202 always, at once: the link is made and mailed afterwards, so timing says nothing either. */
  @Post('link')
  @HttpCode(HttpStatus.ACCEPTED)
  requestLink(@Req() request: Request, @Body() body: unknown): typeof LINK_ANSWER {
    requireConsoleRequest(request);
    requireEmailSignIn(this.runtime);
    const email = (body as { email?: unknown } | undefined)?.email;
    if (typeof email !== 'string' || email.length > 254 || !email.includes('@')) {
      throw new ValidationProblem([{ pointer: '/email', message: 'must be an e-mail address' }]);
    }
    void this.sendLink(email);
    return LINK_ANSWER;
  }

  private async sendLink(email: string): Promise<void> {
    const { people, mailer, config, logger } = this.runtime;
    try {
      const outcome = await people.createSignInLink(email);
      if (outcome.kind !== 'created') {
        // Counted, never with the address.
        logger.info({ outcome: outcome.kind }, 'sign-in link not sent');
        return;
      }
      const url = new URL('/auth/callback', config.CONSOLE_PUBLIC_URL);
      url.searchParams.set('token', outcome.token);
      await mailer.send(email, url.toString(), SIGN_IN_LINK_MINUTES);
      logger.info({ personId: outcome.personId }, 'sign-in link sent');
    } catch (error) {
      logger.error(
        { error: error instanceof Error ? error.name : 'unknown' },
        'sign-in link could not be made or sent',
      );
    }
  }

  /** Shows the sign-in button; never spends the token (mail scanners fetch links). */
  @Get('callback')
  showSignIn(@Query('token') token: unknown, @Res() response: Response): void {
    response.setHeader('Content-Security-Policy', SIGN_IN_PAGE_POLICY);
    // The page's URL holds the token: a request it makes may name only the origin.
    response.setHeader('Referrer-Policy', 'strict-origin');
    response.type('html');
    if (
      !this.runtime.config.CONSOLE_EMAIL_SIGN_IN ||
      typeof token !== 'string' ||
      !isSignInToken(token)
    ) {
      response.status(HttpStatus.BAD_REQUEST).send(signInFailedPage());
      return;
    }
    response.status(HttpStatus.OK).send(signInPage(token));
  }

  /** Spends the link's token and sets the session cookie; then to the console. */
  @Post('callback')
  async signIn(
    @Req() request: Request,
    @Body() body: unknown,
    @Res() response: Response,
  ): Promise<void> {
    const { people, config, cookie, logger } = this.runtime;
    response.setHeader('Content-Security-Policy', SIGN_IN_PAGE_POLICY);
    response.type('html');
    // A form on another site could post someone else's token (sign-in forgery): only the
    // console's own page may, and a browser names the page's origin on a form post.
    const origin = request.headers.origin;
    const token = (body as { token?: unknown } | undefined)?.token;
    if (
      !config.CONSOLE_EMAIL_SIGN_IN ||
      origin !== new URL(config.CONSOLE_PUBLIC_URL).origin ||
      typeof token !== 'string'
    ) {
      response.status(HttpStatus.BAD_REQUEST).send(signInFailedPage());
      return;
    }
    const session = await people.signIn(token, {
      idleMinutes: config.CONSOLE_SESSION_IDLE_MINUTES,
      absoluteMinutes: config.CONSOLE_SESSION_MAX_MINUTES,
    });
    if (session === null) {
      response.status(HttpStatus.BAD_REQUEST).send(signInFailedPage());
      return;
    }
    logger.info({ personId: session.personId, sessionId: session.sessionId }, 'signed in');
    setSessionCookie(response, cookie, session.token, session.expiresAt);
    response.redirect(HttpStatus.SEE_OTHER, '/');
  }

  /** Who is signed in: the person's id and roles and their organisation. 401 when nobody. */
  @Get('session')
  async session(@Req() request: Request): Promise<SessionView> {
    const token = sessionTokenOf(request, this.runtime.cookie);
    const principal =
      token !== undefined && isSessionToken(token)
        ? await this.runtime.identity.authenticate(token)
        : null;
    if (principal?.personId === undefined) {
      throw new UnauthorizedProblem('Sign in to use the console.');
    }
    return {
      person: { id: principal.personId, roles: principal.roles },
      organisation: {
        id: principal.organisationId,
        name: principal.organisationName,
        kind: principal.organisationKind,
        boroughs: principal.boroughs,
      },
    };
  }

  @Post('sign-out')
  @HttpCode(HttpStatus.NO_CONTENT)
  async signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    await this.end(request, response, false);
  }

  /** Ends every session of the signed-in person, on every device. */
  @Post('sign-out-everywhere')
  @HttpCode(HttpStatus.NO_CONTENT)
  async signOutEverywhere(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    await this.end(request, response, true);
  }

  private async end(request: Request, response: Response, everywhere: boolean): Promise<void> {
    requireConsoleRequest(request);
    const { people, cookie } = this.runtime;
    const token = sessionTokenOf(request, cookie);
    if (token !== undefined) await people.signOut(token, { everywhere });
    clearSessionCookie(response, cookie);
  }
}

function requireConsoleRequest(request: Request): void {
  if (!isConsoleRequest(request)) {
    throw new ForbiddenProblem('Send this from the console (X-Harbour-Console: 1).');
  }
}

/** With e-mailed links configured off, there is no such route (sign-in is by the provider). */
function requireEmailSignIn(runtime: ConsoleRuntime): void {
  if (!runtime.config.CONSOLE_EMAIL_SIGN_IN) {
    throw new NotFoundProblem('Sign-in by e-mailed link is not offered here.');
  }
}
