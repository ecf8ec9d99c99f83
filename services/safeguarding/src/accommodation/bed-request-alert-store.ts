import { queryRows, quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';

export interface NewOffer {
  offerId: string;
  requestId: string;
  providerOrganisationId: string;
  eventId: string;
}

/**
 * Safeguarding's record of bed offers and request outcomes (ids only), always in the consumer's
 * transaction: the unique keys make every event's effect happen once, whatever is replayed.
 */
export class BedRequestAlertStore {
  private readonly schema: string;

  constructor(schema: string) {
    this.schema = quoteIdentifier(schema);
  }

  /**
   * Claims the offer (live, its alert to follow); false when it was already recorded — a replay,
   * or an offer that ended before its offer event arrived.
   */
  async claimOffer(manager: EntityManager, offer: NewOffer): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO ${this.schema}.bed_offer_alert
         (offer_id, request_id, provider_organisation_id, state, offered_event_id)
       VALUES ($1, $2, $3, 'live', $4)
       ON CONFLICT (offer_id) DO NOTHING
       RETURNING offer_id`,
      [offer.offerId, offer.requestId, offer.providerOrganisationId, offer.eventId],
    );
    return rows.length > 0;
  }

  /** Records the offer as already over (its hold expired before it could be sent): no alert. */
  async closeUnsent(
    manager: EntityManager,
    offerId: string,
    reason: string,
    eventId: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.bed_offer_alert
          SET state = 'closed', close_reason = $2, closed_event_id = $3, closed_at = now()
        WHERE offer_id = $1 AND state = 'live' AND alert_id IS NULL`,
      [offerId, reason, eventId],
    );
  }

  async setAlert(manager: EntityManager, offerId: string, alertId: string): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.bed_offer_alert SET alert_id = $2 WHERE offer_id = $1`,
      [offerId, alertId],
    );
  }

  /**
   * Closes the offer's alert if it is live and returns it (to cancel); undefined when it is closed
   * already or was never recorded — then a closed row without an alert is left, so the offer event,
   * if it is replayed later, raises nothing.
   */
  async closeOffer(
    manager: EntityManager,
    ended: { offerId: string; requestId: string; providerOrganisationId: string },
    reason: string,
    eventId: string,
  ): Promise<string | undefined> {
    const rows = await manager.query<{ alert_id: string | null }[]>(
      `INSERT INTO ${this.schema}.bed_offer_alert
         (offer_id, request_id, provider_organisation_id, state, close_reason, closed_event_id,
          closed_at)
       VALUES ($1, $2, $3, 'closed', $4, $5, now())
       ON CONFLICT (offer_id) DO UPDATE
          SET state = 'closed', close_reason = EXCLUDED.close_reason,
              closed_event_id = EXCLUDED.closed_event_id, closed_at = EXCLUDED.closed_at
        WHERE ${this.schema}.bed_offer_alert.state = 'live'
       RETURNING alert_id`,
      [ended.offerId, ended.requestId, ended.providerOrganisationId, reason, eventId],
    );
    return rows[0]?.alert_id ?? undefined;
  }

  /** Closes every offer alert of the request still live; returns the alerts to cancel. */
  async closeLiveOffers(
    manager: EntityManager,
    requestId: string,
    reason: string,
    eventId: string,
  ): Promise<string[]> {
    const rows = await queryRows<{ alert_id: string | null }>(
      manager,
      `UPDATE ${this.schema}.bed_offer_alert
          SET state = 'closed', close_reason = $2, closed_event_id = $3, closed_at = now()
        WHERE request_id = $1 AND state = 'live'
       RETURNING alert_id`,
      [requestId, reason, eventId],
    );
    return rows.flatMap((r) => (r.alert_id === null ? [] : [r.alert_id]));
  }

  /** False when this outcome of the request was already recorded (its requester already told). */
  async recordOutcome(
    manager: EntityManager,
    outcome: {
      requestId: string;
      outcome: 'placed' | 'unmatched';
      placementId?: string;
      requesterOrganisationId: string;
      eventId: string;
    },
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO ${this.schema}.bed_request_outcome
         (request_id, outcome, placement_id, requester_organisation_id, event_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (request_id, outcome) DO NOTHING
       RETURNING request_id`,
      [
        outcome.requestId,
        outcome.outcome,
        outcome.placementId ?? null,
        outcome.requesterOrganisationId,
        outcome.eventId,
      ],
    );
    return rows.length > 0;
  }

  /** The alerts of a request raised by `rules` (e.g. the unmatched ones a placement closes). */
  async alertsByRule(
    manager: EntityManager,
    requestId: string,
    rules: readonly string[],
  ): Promise<string[]> {
    const rows = await manager.query<{ alert_id: string }[]>(
      `SELECT alert_id FROM ${this.schema}.alert_decision
        WHERE cause_kind = 'bed_request' AND cause_id = $1 AND rule = ANY($2::text[])
        ORDER BY decided_at, alert_id`,
      [requestId, rules],
    );
    return rows.map((r) => r.alert_id);
  }
}
