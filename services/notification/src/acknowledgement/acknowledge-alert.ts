import { randomUUID } from 'node:crypto';
import { type AlertAcknowledged, topicFor } from '@harbour/contracts';
import { type Kickable, type Outbox, withOutbox } from '@harbour/messaging';
import type { Logger } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { AcknowledgementClaims } from '../domain/acknowledgement-token';
import { type AlertState, isLive } from '../domain/alert-state';
import type { AcknowledgementLinks } from './acknowledgement-links';
import type {
  Acknowledgement,
  AcknowledgementRepository,
  AcknowledgementVia,
  AlertForAcknowledgement,
} from './acknowledgement-repository';

export const ALERT_ACKNOWLEDGED = 'harbour.alert.acknowledged';

/** Why a link cannot be used, each with its own page and HTTP status. */
export type LinkRefusal =
  | { kind: 'invalid' }
  | { kind: 'expired'; alert: AlertForAcknowledgement | null }
  | { kind: 'used'; acknowledgement: Acknowledgement }
  | { kind: 'closed' | 'superseded'; alert: AlertForAcknowledgement };

/** What GET shows: the form, or that the organisation has already acknowledged (another link). */
export type LinkInspection =
  | { kind: 'open'; alert: AlertForAcknowledgement; organisationName: string }
  | {
      kind: 'already-acknowledged';
      alert: AlertForAcknowledgement;
      acknowledgement: Acknowledgement;
    }
  | LinkRefusal;

export type LinkAcknowledgement =
  | { kind: 'acknowledged'; alert: AlertForAcknowledgement; acknowledgement: Acknowledgement }
  | {
      kind: 'already-acknowledged';
      alert: AlertForAcknowledgement;
      acknowledgement: Acknowledgement;
    }
  | LinkRefusal;

export type ApiAcknowledgement =
  | { kind: 'created' | 'existing'; acknowledgement: Acknowledgement }
  | { kind: 'not-recipient' }
  | { kind: 'closed' | 'superseded' };

export interface AcknowledgeAlertOptions {
  dataSource: DataSource;
  repository: AcknowledgementRepository;
  links: AcknowledgementLinks;
  outbox: Outbox;
  relay: Kickable;
  logger: Logger;
  now?: () => Date;
}

/**
 * Records acknowledgements, through an e-mailed link or the REST API. Each one, in one
 * transaction with the alert row locked: the acknowledgement row (one per organisation, a link's
 * token id at most once), the alert marked acknowledged if it was open, pending escalation
 * timers cancelled, and `harbour.alert.acknowledged` in the outbox; the relay is kicked after
 * commit. Response texts are never logged.
 */
export class AcknowledgeAlert {
  private readonly now: () => Date;

  constructor(private readonly options: AcknowledgeAlertOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** For GET: changes nothing (mail scanners fetch links before people do). */
  async inspectLink(token: string): Promise<LinkInspection> {
    const { repository, dataSource } = this.options;
    const checked = await this.checkLink(token, dataSource.manager);
    if ('refusal' in checked) return checked.refusal;
    const { claims, alert, organisationName } = checked;
    const existing = await repository.ofOrganisation(claims.alertId, claims.organisationId);
    if (existing !== null)
      return { kind: 'already-acknowledged', alert, acknowledgement: existing };
    return { kind: 'open', alert, organisationName };
  }

  async acknowledgeByLink(token: string, response: string | null): Promise<LinkAcknowledgement> {
    const { repository, dataSource, relay, links } = this.options;
    // The link routes are public, so no per-key rate limit covers them: a forged or malformed
    // token is refused on its signature alone, before a connection or transaction is taken.
    const signature = links.verify(token);
    if (!signature.ok && signature.reason !== 'expired') return { kind: 'invalid' };
    return withOutbox(dataSource, relay, async (manager): Promise<LinkAcknowledgement> => {
      const checked = await this.checkLink(token, manager, true);
      if ('refusal' in checked) return checked.refusal;
      const { claims, alert, address } = checked;
      const existing = await repository.ofOrganisation(
        claims.alertId,
        claims.organisationId,
        manager,
      );
      if (existing !== null) {
        return { kind: 'already-acknowledged', alert, acknowledgement: existing };
      }
      const acknowledgement = await this.record(manager, {
        alert,
        organisationId: claims.organisationId,
        deliveryId: claims.deliveryId,
        via: 'link',
        actor: address,
        response,
        tokenId: claims.tokenId,
      });
      return {
        kind: 'acknowledged',
        alert: (await repository.findAlert(alert.id, manager)) ?? alert,
        acknowledgement,
      };
    });
  }

  /** Idempotent per organisation: a second call returns the first acknowledgement. */
  async acknowledgeByApi(input: {
    alertId: string;
    organisationId: string;
    /** The API key, or for a signed-in person the session (`personId` is then set). */
    keyId: string;
    personId?: string;
    response: string | null;
  }): Promise<ApiAcknowledgement> {
    const { repository, dataSource, relay } = this.options;
    return withOutbox(dataSource, relay, async (manager): Promise<ApiAcknowledgement> => {
      const alert = await repository.lockAlert(input.alertId, manager);
      const delivery =
        alert === null
          ? null
          : await repository.recipientDelivery(alert.id, input.organisationId, null, manager);
      // Not a recipient and no such alert look the same: the alert's existence is not revealed.
      if (alert === null || delivery === null) return { kind: 'not-recipient' };
      const existing = await repository.ofOrganisation(alert.id, input.organisationId, manager);
      if (existing !== null) return { kind: 'existing', acknowledgement: existing };
      // An alert that ended takes no acknowledgement: there is nothing left to act on.
      if (!isLive(alert.state)) return { kind: endedKind(alert.state) };
      const acknowledgement = await this.record(manager, {
        alert,
        organisationId: input.organisationId,
        deliveryId: null,
        via: 'api',
        actor: input.personId === undefined ? `api-key:${input.keyId}` : `person:${input.personId}`,
        response: input.response,
        tokenId: null,
        keyId: input.keyId,
        ...(input.personId === undefined ? {} : { personId: input.personId }),
      });
      return { kind: 'created', acknowledgement };
    });
  }

  /** Signature, expiry, the delivery it names, single use and the alert's state, in that order. */
  private async checkLink(
    token: string,
    manager: EntityManager,
    lock = false,
  ): Promise<
    | { refusal: LinkRefusal }
    | {
        claims: AcknowledgementClaims;
        alert: AlertForAcknowledgement;
        address: string;
        organisationName: string;
      }
  > {
    const { repository, links } = this.options;
    const verdict = links.verify(token);
    if (!verdict.ok) {
      if (verdict.reason !== 'expired') return { refusal: { kind: 'invalid' } };
      const alert = await repository.findAlert(verdict.claims.alertId, manager);
      return { refusal: { kind: 'expired', alert } };
    }
    const { claims } = verdict;
    const alert = lock
      ? await repository.lockAlert(claims.alertId, manager)
      : await repository.findAlert(claims.alertId, manager);
    const delivery =
      alert === null
        ? null
        : await repository.recipientDelivery(
            claims.alertId,
            claims.organisationId,
            claims.deliveryId,
            manager,
          );
    // A well-signed token for a delivery that does not exist (e.g. another environment's secret
    // reused) is as useless as a forged one.
    if (alert === null || delivery === null) return { refusal: { kind: 'invalid' } };
    const used = await repository.byToken(claims.tokenId, manager);
    if (used !== null) return { refusal: { kind: 'used', acknowledgement: used } };
    if (!isLive(alert.state)) return { refusal: { kind: endedKind(alert.state), alert } };
    return {
      claims,
      alert,
      address: delivery.address,
      organisationName: delivery.organisationName,
    };
  }

  private async record(
    manager: EntityManager,
    input: {
      alert: AlertForAcknowledgement;
      organisationId: string;
      deliveryId: string | null;
      via: AcknowledgementVia;
      actor: string;
      response: string | null;
      tokenId: string | null;
      /** The API key used (API acknowledgements), or a signed-in person's session. */
      keyId?: string;
      /** The signed-in person (console acknowledgements). */
      personId?: string;
    },
  ): Promise<Acknowledgement> {
    const { repository, outbox, logger } = this.options;
    const acknowledgedAt = this.now();
    const id = randomUUID();
    await repository.insert(
      {
        id,
        alertId: input.alert.id,
        organisationId: input.organisationId,
        via: input.via,
        actor: input.actor,
        response: input.response,
        tokenId: input.tokenId,
        acknowledgedAt,
      },
      manager,
    );
    // Who acknowledged, in the audit log: the key, or the delivery whose link was used (its
    // contact), never the address or the response.
    await repository.audit(
      {
        acknowledgementId: id,
        alertId: input.alert.id,
        organisationId: input.organisationId,
        via: input.via,
        deliveryId: input.deliveryId,
        keyId: input.keyId ?? null,
        personId: input.personId ?? null,
      },
      manager,
    );
    const first = await repository.markAlertAcknowledged(input.alert.id, acknowledgedAt, manager);
    const cancelledTimers = await repository.cancelPendingEscalations(input.alert.id, manager);
    const event: AlertAcknowledged = {
      alertId: input.alert.id,
      organisationId: input.organisationId,
      acknowledgedAt: acknowledgedAt.toISOString(),
      // The contract has no value for the REST API yet; a partner system calling back is closest.
      via: input.via === 'link' ? 'email_link' : 'api',
      ...(input.deliveryId === null ? {} : { deliveryId: input.deliveryId }),
      ...(input.response === null ? {} : { note: input.response }),
    };
    await outbox.add(manager, {
      topic: topicFor(ALERT_ACKNOWLEDGED),
      key: input.alert.id,
      subject: input.alert.id,
      type: ALERT_ACKNOWLEDGED,
      data: event,
    });
    // Ids and counts only: the response and the actor's address stay out of the log.
    logger.info(
      {
        alertId: input.alert.id,
        organisationId: input.organisationId,
        acknowledgementId: id,
        via: input.via,
        firstAcknowledgement: first,
        cancelledEscalationTimers: cancelledTimers,
      },
      'alert acknowledged',
    );
    const stored = await repository.ofOrganisation(input.alert.id, input.organisationId, manager);
    if (stored === null) throw new Error('acknowledgement not readable after insert');
    return stored;
  }
}

/** Which refusal an ended alert gets. */
function endedKind(state: AlertState): 'closed' | 'superseded' {
  return state === 'superseded' ? 'superseded' : 'closed';
}
