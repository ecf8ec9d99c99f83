import type { CauseAlerts } from './api';
import { words } from './text';

export const LEVEL: Record<string, string> = {
  notice: 'Notice',
  operational: 'Operational',
  personal: 'Personal',
};

export interface TimelineEvent {
  at: string;
  text: string;
  quote?: string;
  kind: 'requested' | 'delivered' | 'escalated' | 'acknowledged' | 'released';
}

export type CauseAlert = CauseAlerts['alerts'][number];

/** An alert's events in time order; deliveries not (yet) made are listed apart. */
export function eventsOf(alert: CauseAlert): { events: TimelineEvent[]; pending: string[] } {
  const events: TimelineEvent[] = [
    {
      at: alert.requestedAt,
      kind: 'requested',
      text: `Requested, at ${(LEVEL[alert.disclosureLevel] ?? alert.disclosureLevel).toLowerCase()} level`,
    },
  ];
  const pending: string[] = [];
  for (const recipient of alert.recipients) {
    const name = recipient.organisation.name;
    for (const delivery of recipient.deliveries) {
      const escalation = delivery.purpose === 'escalation';
      if (delivery.deliveredAt === undefined) {
        pending.push(
          `${escalation ? 'Escalation to ' : ''}${name} by ${words(delivery.channel)}: ${words(delivery.status)}`,
        );
      } else {
        events.push({
          at: delivery.deliveredAt,
          kind: escalation ? 'escalated' : 'delivered',
          text: escalation
            ? `Escalated to ${name} by ${words(delivery.channel)}: not acknowledged in time`
            : `Delivered to ${name} by ${words(delivery.channel)}`,
        });
      }
    }
    if (recipient.acknowledgedAt !== undefined) {
      events.push({
        at: recipient.acknowledgedAt,
        kind: 'acknowledged',
        text: `Acknowledged by ${name}`,
        ...(recipient.response === undefined ? {} : { quote: recipient.response }),
      });
    }
  }
  for (const stage of alert.stagesReleased) {
    events.push({
      at: stage.releasedAt,
      kind: 'released',
      text: `${LEVEL[stage.level] ?? stage.level} details released${
        stage.roles === undefined ? '' : ` to ${stage.roles.map(words).join(', ')}`
      }`,
    });
  }
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return { events, pending };
}
