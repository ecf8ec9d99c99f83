import type { AlertStageReleased } from '@harbour/contracts';
import type { HarbourEvent } from '@harbour/messaging';
import type { Logger } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryRepository, NewDelivery } from '../delivery/delivery-repository';
import { isLive } from '../domain/alert-state';
import { mayReceiveStage } from '../domain/follow-up-disclosure';
import { AlertNotYetKnownError } from './alert-not-yet-known-error';
import { AlertRecipients } from './alert-recipients';
import { AlertStageRepository } from './alert-stage-repository';

export const ALERT_STAGE_RELEASED = 'harbour.alert.stage-released';

export interface StageReleasedHandlerOptions {
  dataSource: DataSource;
  deliveries: DeliveryRepository;
  logger: Logger;
}

/**
 * `harbour.alert.stage-released` → the released stage and one pending `follow_up` delivery per
 * contact the alert went to whose organisation kind may see that level and, when the stage names
 * `roles`, is one of them, and that may receive the alert's purpose (`AlertRecipients`: never
 * immigration enforcement for a referral) — in the consumer's transaction (with its inbox row).
 * A stage released twice, or its event redelivered, adds nothing. An alert that was closed or
 * superseded gets no follow-ups. A stage for an alert not recorded yet throws `AlertNotYetKnownError`: the consumer
 * retries it, then dead-letters it for a replay.
 */
export class StageReleasedHandler {
  private readonly stages: AlertStageRepository;
  private readonly recipients: AlertRecipients;

  constructor(private readonly options: StageReleasedHandlerOptions) {
    this.stages = new AlertStageRepository(options.dataSource);
    this.recipients = new AlertRecipients(options.dataSource, options.logger);
  }

  async onStageReleased(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const { deliveries, logger } = this.options;
    // The consumer validated the payload against the contract before calling us.
    const stage = event.data as AlertStageReleased;
    const level = stage.disclosure.level;
    const about = { alertId: stage.alertId, level, roles: stage.roles, eventId: event.id };
    // The alert's state read and the stage recorded (while it is live) in one statement.
    const { state, stageId } = await this.stages.recordIfLive(stage, manager);
    if (state === null) throw new AlertNotYetKnownError(stage.alertId);
    if (!isLive(state)) {
      logger.info({ ...about, state }, 'stage released for an ended alert; ignored');
      return;
    }
    if (stageId === null) {
      logger.info(about, 'stage already released; ignored');
      return;
    }
    const recipients = await this.recipients.of(stage.alertId, manager);
    const cleared = recipients.filter((r) =>
      mayReceiveStage(r.organisationKind, level, stage.roles),
    );
    const scope = stage.roles === undefined ? '' : ` & roles=${stage.roles.join(',')}`;
    const followUps: NewDelivery[] = cleared.map((recipient) => ({
      alertId: stage.alertId,
      organisationId: recipient.organisationId,
      contactId: recipient.contactId,
      channel: recipient.channel,
      address: recipient.address,
      matchedRule: `stage=${level}${scope} & ${recipient.matchedRule}`,
      purpose: 'follow_up',
      stage: level,
      stageId,
    }));
    const added = await deliveries.addPending(followUps, manager);
    const withheldFrom = new Set(
      recipients.filter((r) => !cleared.includes(r)).map((r) => r.organisationId),
    );
    logger.info(
      { ...about, followUps: added.length, withheldFromOrganisations: withheldFrom.size },
      'stage released; follow-ups pending',
    );
  }
}
