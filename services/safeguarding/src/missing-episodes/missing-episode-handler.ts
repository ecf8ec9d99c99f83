import { randomUUID } from 'node:crypto';
import { type AlertRequested, type MissingEpisodeReported, topicFor } from '@harbour/contracts';
import { authorityByGss } from '@harbour/london';
import type { HarbourEvent, Outbox } from '@harbour/messaging';
import { quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import { assessMissingEpisode } from '../domain/missing-episode-rules';

export const ALERT_REQUESTED = 'harbour.alert.requested';

/**
 * `harbour.missing-episode.reported` → an alert decision, recorded with the rule that made it,
 * and `harbour.alert.requested` in the same transaction (outbox), so the alert is never lost
 * and never raised twice for the same event (the consumer's inbox).
 */
export class MissingEpisodeHandler {
  private readonly schema: string;

  constructor(
    schema: string,
    private readonly outbox: Outbox,
  ) {
    this.schema = quoteIdentifier(schema);
  }

  async onReported(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as MissingEpisodeReported;
    const borough = authorityByGss(data.borough);
    const decision = assessMissingEpisode({
      episodeId: data.episodeId,
      isChild: data.isChild,
      ...(data.child.ageYears !== undefined ? { ageYears: data.child.ageYears } : {}),
      ageDisputed: data.child.ageDisputed,
      gender: data.child.gender,
      traffickingMarkers: data.traffickingMarkers,
      borough: data.borough,
      boroughName: borough?.name ?? data.borough,
      riskGrade: data.riskGrade,
      lastSeenAt: data.lastSeenAt,
    });
    const alertId = randomUUID();
    await manager.query(
      `INSERT INTO ${this.schema}.alert_decision
         (alert_id, cause_kind, cause_id, cause_event_id, severity, rule, audience, acknowledge_within_minutes)
       VALUES ($1, 'missing_episode', $2, $3, $4, $5, $6, $7)`,
      [
        alertId,
        data.episodeId,
        event.id,
        decision.severity,
        decision.rule,
        JSON.stringify(decision.audience),
        decision.acknowledgeWithinMinutes,
      ],
    );
    await this.outbox.add(manager, {
      topic: topicFor(ALERT_REQUESTED),
      key: alertId,
      type: ALERT_REQUESTED,
      subject: alertId,
      data: {
        alertId,
        cause: { kind: 'missing_episode', id: data.episodeId, eventId: event.id },
        severity: decision.severity,
        acknowledgeWithinMinutes: decision.acknowledgeWithinMinutes,
        audience: decision.audience,
        disclosure: { level: decision.disclosure },
        summary: { title: decision.title, lines: decision.lines },
        requestedAt: new Date().toISOString(),
      } satisfies AlertRequested,
    });
  }
}
