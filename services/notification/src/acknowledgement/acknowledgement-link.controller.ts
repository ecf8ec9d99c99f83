import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { HARBOUR_LOGGER, type Logger, Public } from '@harbour/platform';
import type { Response } from 'express';
import { readAcknowledgementResponse } from '../domain/acknowledgement-response';
import {
  type AcknowledgementPage,
  acknowledgementErrorPage,
  acknowledgementPage,
  detailsPage,
} from './acknowledgement-page';
import { ACKNOWLEDGEMENTS } from './acknowledgement-tokens';
import type { Acknowledgements } from './open-acknowledgements';

/**
 * The page an e-mailed acknowledgement link opens. Public: the signed token is the credential.
 * GET only shows (mail scanners prefetch links); POST records; POST `details` shows what the
 * e-mail left out and audits the showing. Every outcome is a small HTML page with its own
 * status — never a problem document or a stack trace.
 */
@Controller('ack')
@Public()
export class AcknowledgementLinkController {
  constructor(
    @Inject(ACKNOWLEDGEMENTS) private readonly acknowledgements: Acknowledgements,
    @Inject(HARBOUR_LOGGER) private readonly logger: Logger,
  ) {}

  @Get(':token')
  async show(@Param('token') token: string, @Res() response: Response): Promise<void> {
    await this.respond(response, async () =>
      acknowledgementPage(await this.acknowledgements.acknowledge.inspectLink(token), token),
    );
  }

  /** The details the e-mail left out: a POST, so only a person's click shows (and audits) them. */
  @Post(':token/details')
  async details(@Param('token') token: string, @Res() response: Response): Promise<void> {
    await this.respond(response, async () =>
      detailsPage(await this.acknowledgements.details.show(token), token),
    );
  }

  @Post(':token')
  async acknowledge(
    @Param('token') token: string,
    @Body() body: unknown,
    @Res() response: Response,
  ): Promise<void> {
    await this.respond(response, async () => {
      const { acknowledge } = this.acknowledgements;
      const field =
        typeof body === 'object' && body !== null
          ? (body as Record<string, unknown>).response
          : undefined;
      const verdict = readAcknowledgementResponse(field);
      if (!verdict.ok) {
        // Show the form again, unless the link itself is already unusable.
        const inspection = await acknowledge.inspectLink(token);
        return inspection.kind === 'open'
          ? acknowledgementPage({
              kind: 'bad-response',
              alert: inspection.alert,
              error: verdict.message,
            })
          : acknowledgementPage(inspection, token);
      }
      return acknowledgementPage(
        await acknowledge.acknowledgeByLink(token, verdict.response),
        token,
      );
    });
  }

  private async respond(
    response: Response,
    render: () => Promise<AcknowledgementPage>,
  ): Promise<void> {
    let page: AcknowledgementPage;
    try {
      page = await render();
    } catch (error) {
      // The token is a credential and the body may hold personal data: neither is logged.
      this.logger.error(
        { err: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error' },
        'acknowledgement page failed',
      );
      page = acknowledgementErrorPage();
    }
    response
      .status(page.status)
      .setHeader('Content-Security-Policy', page.contentSecurityPolicy)
      .setHeader('X-Robots-Tag', 'noindex, nofollow')
      // The link is a credential and a page may show details: no cache keeps a copy.
      .setHeader('Cache-Control', 'no-store')
      .setHeader('Referrer-Policy', 'no-referrer')
      .type('html')
      .send(page.html);
  }
}
