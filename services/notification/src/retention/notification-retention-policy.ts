import { messagingRetentionRules, type RetentionPolicy } from '@harbour/platform';

/**
 * Notification's retention policy (docs/retention.md has the reasons for each period). An alert
 * ends when its cause closes it or a newer alert supersedes it; a year later it is deleted with
 * everything hung on it: its deliveries (the recipients' addresses), the delivery log, the
 * released stages (the personal summaries), the partners' acknowledgements and replies (and
 * with them the used link tokens, long expired) and its escalation timers. What was disclosed
 * to whom stays in the audit chain, which holds ids, levels and rules only.
 *
 * An open or merely acknowledged alert is never due: its cause may still release a stage or
 * close it, and a closure for an alert notification no longer has would be retried and then
 * dead-lettered. An alert another alert names as its successor goes after that one (the
 * foreign key), in a later batch.
 */
export const NOTIFICATION_RETENTION_POLICY: RetentionPolicy = {
  service: 'notification',
  rules: [
    {
      kind: 'alert',
      description: 'closed and superseded alerts, with their deliveries and acknowledgements',
      table: 'alert',
      key: 'id',
      where: `t.state IN ('closed', 'superseded')
        AND NOT EXISTS (SELECT 1 FROM alert older WHERE older.superseded_by = t.id)`,
      clockStarts: 'coalesce(t.closed_at, t.superseded_at)',
      clockStartsWhen: 'the alert is closed by its cause or superseded',
      variable: 'RETENTION_ALERT_DAYS',
      defaultDays: 365,
      action: {
        type: 'delete',
        // Order matters: each table before the ones it references.
        dependents: [
          { table: 'delivery_event', column: 'alert_id' },
          { table: 'acknowledgement', column: 'alert_id' },
          { table: 'escalation_timer', column: 'alert_id' },
          { table: 'delivery', column: 'alert_id' },
          { table: 'alert_stage', column: 'alert_id' },
        ],
      },
    },
    ...messagingRetentionRules(),
  ],
};
