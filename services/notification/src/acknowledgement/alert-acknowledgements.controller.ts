import {
  Body,
  Controller,
  Get,
  HttpStatus,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Res,
} from '@nestjs/common';
import {
  Authorize,
  ConflictProblem,
  CurrentPrincipal,
  NotFoundProblem,
  type Principal,
  ValidationProblem,
} from '@harbour/platform';
import type { Response } from 'express';
import { readAcknowledgementResponse } from '../domain/acknowledgement-response';
import type { Acknowledgement } from './acknowledgement-repository';
import { ACKNOWLEDGEMENTS } from './acknowledgement-tokens';
import type { Acknowledgements } from './open-acknowledgements';

export interface AcknowledgementView {
  acknowledgementId: string;
  alertId: string;
  organisation: { id: string; name: string };
  via: 'link' | 'api';
  actor: string;
  acknowledgedAt: string;
  response: string | null;
}

export interface AlertAcknowledgementsView {
  alertId: string;
  state: string;
  acknowledgedAt: string | null;
  acknowledgements: AcknowledgementView[];
}

const NOT_FOUND = 'No such alert for your organisation.';

/**
 * Acknowledgement for partner systems. Only a recipient organisation (one with a delivery of the
 * alert) may acknowledge or read; to anyone else the alert does not exist. Coordinator admins
 * read every organisation's acknowledgement.
 */
@Controller('v1/alerts')
export class AlertAcknowledgementsController {
  constructor(@Inject(ACKNOWLEDGEMENTS) private readonly acknowledgements: Acknowledgements) {}

  /** 201 with the new acknowledgement, or 200 with the organisation's earlier one. */
  @Post(':alertId/acknowledgements')
  @Authorize('notification.alert.acknowledge')
  async acknowledge(
    @Param('alertId', new ParseUUIDPipe()) alertId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AcknowledgementView> {
    const reply = readBody(body);
    const outcome = await this.acknowledgements.acknowledge.acknowledgeByApi({
      alertId,
      organisationId: principal.organisationId,
      keyId: principal.keyId,
      ...(principal.personId === undefined ? {} : { personId: principal.personId }),
      response: reply,
    });
    switch (outcome.kind) {
      case 'not-recipient':
        throw new NotFoundProblem(NOT_FOUND);
      case 'closed':
        throw new ConflictProblem('This alert is closed; it can no longer be acknowledged.');
      case 'superseded':
        throw new ConflictProblem(
          'This alert was superseded by a newer alert; it can no longer be acknowledged.',
        );
      case 'created':
      case 'existing':
        response.status(outcome.kind === 'created' ? HttpStatus.CREATED : HttpStatus.OK);
        return toView(outcome.acknowledgement);
    }
  }

  @Get(':alertId/acknowledgements')
  @Authorize('notification.alert.acknowledgements')
  async list(
    @Param('alertId', new ParseUUIDPipe()) alertId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<AlertAcknowledgementsView> {
    const { repository } = this.acknowledgements;
    const alert = await repository.findAlert(alertId);
    if (alert === null) throw new NotFoundProblem(NOT_FOUND);
    const coordinatorAdmin =
      principal.organisationKind === 'coordinator' && principal.roles.includes('admin');
    let acknowledgements: Acknowledgement[];
    if (coordinatorAdmin) {
      acknowledgements = await repository.ofAlert(alertId);
    } else {
      const delivery = await repository.recipientDelivery(alertId, principal.organisationId, null);
      if (delivery === null) throw new NotFoundProblem(NOT_FOUND);
      // A recipient sees its own acknowledgement; other partners' replies are theirs to share.
      const own = await repository.ofOrganisation(alertId, principal.organisationId);
      acknowledgements = own === null ? [] : [own];
    }
    return {
      alertId,
      state: alert.state,
      acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
      acknowledgements: acknowledgements.map(toView),
    };
  }
}

/** `{ response?: string }`, nothing else; an absent or empty body means no response. */
function readBody(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationProblem([{ pointer: '', message: 'must be a JSON object' }]);
  }
  const fields = body as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => key !== 'response');
  if (unknown.length > 0) {
    throw new ValidationProblem(
      unknown.map((key) => ({ pointer: `/${key}`, message: 'is not a known property' })),
    );
  }
  const verdict = readAcknowledgementResponse(fields.response);
  if (!verdict.ok)
    throw new ValidationProblem([{ pointer: '/response', message: verdict.message }]);
  return verdict.response;
}

function toView(acknowledgement: Acknowledgement): AcknowledgementView {
  return {
    acknowledgementId: acknowledgement.id,
    alertId: acknowledgement.alertId,
    organisation: { id: acknowledgement.organisationId, name: acknowledgement.organisationName },
    via: acknowledgement.via,
    actor: acknowledgement.actor,
    acknowledgedAt: acknowledgement.acknowledgedAt.toISOString(),
    response: acknowledgement.response,
  };
}
