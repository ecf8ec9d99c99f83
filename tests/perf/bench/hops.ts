import { quoteIdentifier } from '@harbour/platform';
import type { Client } from 'pg';
import { type LatencySummary, summarize } from './stats';

/**
 * Where an event's time goes between the services, per hop, from the timestamps the services
 * themselves wrote in Postgres (one clock): for events intake published in a window and
 * safeguarding turned into an alert (bed requests take another path and are left out).
 *
 * - `intakeRelay`: intake's transaction start → its outbox row acknowledged by Kafka
 * - `toSafeguarding`: that acknowledgement → safeguarding's transaction start (consumer fetch)
 * - `safeguarding`: safeguarding's transaction start → its alert acknowledged by Kafka (rules,
 *   commit, relay)
 * - `toNotification`: that acknowledgement → notification's transaction start
 * - `notification`: notification's transaction start → each delivery marked sent (its own
 *   transaction, the queue, rendering, the SMTP or webhook exchange)
 *
 * `now()` in Postgres is the transaction's start, so each "start" is when the service began
 * working on the event, and waiting for a pooled connection counts toward the hop before it.
 */
export interface HopLatencies {
  events: number;
  intakeRelay: LatencySummary;
  toSafeguarding: LatencySummary;
  safeguarding: LatencySummary;
  toNotification: LatencySummary;
  notification: LatencySummary;
}

interface HopRow {
  event_id: string;
  intake_relay: number | null;
  to_safeguarding: number | null;
  safeguarding: number | null;
  to_notification: number | null;
  notification: number | null;
}

export async function hopLatencies(
  db: Client,
  run: string,
  from: Date,
  to: Date,
): Promise<HopLatencies> {
  const intake = quoteIdentifier(`${run}_intake`);
  const safeguarding = quoteIdentifier(`${run}_safeguarding`);
  const notification = quoteIdentifier(`${run}_notification`);
  const ms = (later: string, earlier: string) =>
    `extract(epoch FROM (${later} - ${earlier})) * 1000`;
  const { rows } = await db.query<HopRow>(
    `SELECT i.id::text AS event_id,
            ${ms('i.published_at', 'i.created_at')} AS intake_relay,
            ${ms('si.processed_at', 'i.published_at')} AS to_safeguarding,
            ${ms('so.published_at', 'si.processed_at')} AS safeguarding,
            ${ms('ni.processed_at', 'so.published_at')} AS to_notification,
            ${ms('d.sent_at', 'ni.processed_at')} AS notification
       FROM ${intake}.outbox i
       JOIN ${safeguarding}.inbox si ON si.event_id = i.id::text
       JOIN ${safeguarding}.outbox so
         ON so.type = 'harbour.alert.requested' AND so.data->'cause'->>'eventId' = i.id::text
       JOIN ${notification}.inbox ni ON ni.event_id = so.id::text
       JOIN ${notification}.delivery d
         ON d.alert_id = (so.data->>'alertId')::uuid AND d.purpose = 'alert'
      WHERE i.created_at >= $1 AND i.created_at < $2`,
    [from, to],
  );
  // One row per delivery: the first four hops once per event, the last once per delivery.
  const perEvent = [...new Map(rows.map((row) => [row.event_id, row])).values()];
  const values = (of: readonly HopRow[], pick: (row: HopRow) => number | null): number[] =>
    of
      .map((row) => (pick(row) === null ? Number.NaN : Number(pick(row))))
      .filter((v) => Number.isFinite(v));
  return {
    events: perEvent.length,
    intakeRelay: summarize(values(perEvent, (r) => r.intake_relay)),
    toSafeguarding: summarize(values(perEvent, (r) => r.to_safeguarding)),
    safeguarding: summarize(values(perEvent, (r) => r.safeguarding)),
    toNotification: summarize(values(perEvent, (r) => r.to_notification)),
    notification: summarize(values(rows, (r) => r.notification)),
  };
}

/** One line per hop: `name p50 / p99 ms`. */
export function describeHops(hops: HopLatencies): string {
  const hop = (name: string, s: LatencySummary) => `${name} ${s.p50 ?? '–'} / ${s.p99 ?? '–'}`;
  return [
    hop('intake relay', hops.intakeRelay),
    hop('→ safeguarding', hops.toSafeguarding),
    hop('safeguarding', hops.safeguarding),
    hop('→ notification', hops.toNotification),
    hop('notification to sent', hops.notification),
  ].join(', ');
}
