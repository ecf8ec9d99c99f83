/** One message that reached a sink, attributed to the load event that caused it. */
export interface AttributedArrival {
  eventId: string;
  /** Who got it: an e-mail address or a webhook path. */
  recipient: string;
}

export interface Reconciliation {
  /** Deliveries the accepted events should have produced. */
  expected: number;
  /** Expected deliveries that arrived (each counted once). */
  delivered: number;
  /** Expected deliveries that never arrived. */
  lost: number;
  /** Arrivals beyond the expected count for the same event and recipient. */
  duplicated: number;
  /** Arrivals for a recipient the event should not have reached at all (or an unknown event). */
  unexpected: number;
  /** Events whose every expected delivery arrived. */
  completeEvents: number;
}

function countBy(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/**
 * Compares what each event should have produced (a multiset of recipients per event) with the
 * multiset that arrived. A recipient expected twice for one event (an alert and its follow-up)
 * must arrive exactly twice: one arrival is one lost, three are one duplicated.
 */
export function reconcile(
  expected: ReadonlyMap<string, readonly string[]>,
  arrivals: readonly AttributedArrival[],
): Reconciliation {
  const arrivedByEvent = new Map<string, string[]>();
  for (const { eventId, recipient } of arrivals) {
    const list = arrivedByEvent.get(eventId) ?? [];
    list.push(recipient);
    arrivedByEvent.set(eventId, list);
  }
  const result: Reconciliation = {
    expected: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    completeEvents: 0,
  };
  for (const [eventId, recipients] of expected) {
    const want = countBy(recipients);
    const got = countBy(arrivedByEvent.get(eventId) ?? []);
    let lostHere = 0;
    for (const [recipient, count] of want) {
      const arrived = got.get(recipient) ?? 0;
      result.expected += count;
      result.delivered += Math.min(count, arrived);
      lostHere += Math.max(0, count - arrived);
      result.duplicated += Math.max(0, arrived - count);
    }
    for (const [recipient, arrived] of got) {
      if (!want.has(recipient)) result.unexpected += arrived;
    }
    result.lost += lostHere;
    if (lostHere === 0) result.completeEvents += 1;
  }
  for (const [eventId, recipients] of arrivedByEvent) {
    if (!expected.has(eventId)) result.unexpected += recipients.length;
  }
  return result;
}
