import type { SentEvent } from './load';
import type { Arrival } from './sinks';

/** A partner every report must reach: by e-mail address or by webhook path. */
export interface ExpectedRecipient {
  channel: Arrival['channel'];
  recipient: string;
}

/** One row of the printed table. */
export interface Reconciliation {
  fault: string;
  /** Reports sent by the load during the scenario. */
  events: number;
  /** Of those, accepted by intake (202): each must reach every expected recipient. */
  accepted: number;
  /** Reports a client gave up on (never accepted): Harbour never had them, listed apart. */
  notAccepted: number;
  expected: number;
  /** Expected deliveries that arrived (at least once). */
  delivered: number;
  /**
   * Arrivals beyond the first of one expected delivery that carry ANOTHER delivery id: a second
   * delivery of one alert to one recipient, which nobody downstream can tell from a new one.
   * Any is a failure.
   */
  duplicates: number;
  /**
   * Arrivals carrying the SAME delivery id as the first: the one delivery sent again after a
   * crash between the partner's accepting it and the row being marked sent. Sends are
   * at-least-once and each carries its stable id (`Message-ID`, `webhook-id`) so a receiver
   * discards the repeat, as Standard Webhooks asks; reported, not a failure.
   */
  resent: number;
  lost: number;
  /** Longest wait from a report's first attempt to an expected delivery's first arrival (ms). */
  worstDelayMs: number;
  /** Anything else that makes the row fail (a refused report, a failed check). */
  problems: string[];
  /** What each duplicate was (channel, recipient, same id or not), printed under the table. */
  details: string[];
}

/**
 * Exact reconciliation of one scenario: for every accepted report, every expected recipient
 * must have received the report's alert once. `alertsOf` maps an episode to the alert ids its
 * safeguarding decided (normally one); arrivals are matched on alert id, recipient and kind.
 */
export function reconcile(
  fault: string,
  events: readonly SentEvent[],
  recipients: readonly ExpectedRecipient[],
  alertsOf: ReadonlyMap<string, readonly string[]>,
  arrivals: readonly Arrival[],
): Reconciliation {
  const byKey = new Map<string, Arrival[]>();
  for (const arrival of arrivals) {
    if (arrival.kind !== 'alert') continue;
    const key = `${arrival.alertId}|${arrival.channel}|${arrival.recipient}`;
    byKey.set(key, [...(byKey.get(key) ?? []), arrival]);
  }
  const accepted = events.filter((e) => e.episodeId !== undefined);
  const row: Reconciliation = {
    fault,
    events: events.length,
    accepted: accepted.length,
    notAccepted: events.filter((e) => e.episodeId === undefined).length,
    expected: accepted.length * recipients.length,
    delivered: 0,
    duplicates: 0,
    resent: 0,
    lost: 0,
    worstDelayMs: 0,
    problems: [],
    details: [],
  };
  const refused = events.filter((e) => e.refusedWith !== undefined);
  if (refused.length > 0) {
    row.problems.push(`${refused.length} reports refused (${refused[0]?.refusedWith})`);
  }
  for (const event of accepted) {
    const alertIds = alertsOf.get(event.episodeId!) ?? [];
    if (alertIds.length > 1) {
      row.problems.push(`episode ${event.episodeId} has ${alertIds.length} alerts`);
    }
    for (const recipient of recipients) {
      const got = alertIds
        .flatMap((id) => byKey.get(`${id}|${recipient.channel}|${recipient.recipient}`) ?? [])
        .sort((a, b) => a.at - b.at);
      const first = got[0];
      if (!first) {
        row.lost += 1;
        continue;
      }
      row.delivered += 1;
      row.worstDelayMs = Math.max(row.worstDelayMs, first.at - event.firstAttemptAt);
      for (const again of got.slice(1)) {
        const sameId = again.deliveryId === first.deliveryId;
        if (sameId) row.resent += 1;
        else row.duplicates += 1;
        row.details.push(
          `${recipient.channel} to ${recipient.recipient}, alert ${first.alertId}: again ` +
            `${((again.at - first.at) / 1000).toFixed(1)} s later, ${sameId ? 'same' : 'a different'} delivery id`,
        );
      }
    }
  }
  return row;
}

/**
 * A row passes when nothing was lost, no delivery was made twice under two ids and no check
 * failed. A resend under the same id passes: the receiver recognises it (see `resent`).
 */
export function passed(row: Reconciliation): boolean {
  return row.lost === 0 && row.duplicates === 0 && row.problems.length === 0;
}

/** The table the suite prints (and docs/reliability.md copies). */
export function formatTable(rows: readonly Reconciliation[]): string {
  const header = [
    'fault',
    'events',
    'accepted',
    'expected',
    'delivered',
    'duplicates',
    'resent (same id)',
    'lost',
    'worst delay',
    'result',
  ];
  const lines = rows.map((r) => [
    r.fault,
    String(r.events),
    String(r.accepted),
    String(r.expected),
    String(r.delivered),
    String(r.duplicates),
    String(r.resent),
    String(r.lost),
    `${(r.worstDelayMs / 1000).toFixed(1)} s`,
    passed(r) ? 'ok' : `FAIL${r.problems.length > 0 ? `: ${r.problems.join('; ')}` : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    format(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...lines.map(format),
  ].join('\n');
}
