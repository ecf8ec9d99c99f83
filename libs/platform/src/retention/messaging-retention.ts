import type { RetentionRule } from './retention-rule';

/** Default days a published outbox row is kept (it carries the event's payload). */
export const OUTBOX_DEFAULT_DAYS = 30;
/** Default days an inbox row is kept: longer than any topic's or dead-letter topic's retention. */
export const INBOX_DEFAULT_DAYS = 90;

/**
 * Rules for the messaging tables every service has (`createMessagingTables`):
 * - `outbox`: an event once the relay has published it (`published_at`). Unpublished rows are
 *   never due. Deleted: its payload is a copy of what the service's own records hold, and Kafka
 *   has it.
 * - `inbox`: the de-duplication record of a consumed event (ids and type, no payload). Deleted
 *   once Kafka could no longer redeliver the event, which is why the default must stay above the
 *   topics' (and dead-letter topics') retention.
 */
export function messagingRetentionRules(): RetentionRule[] {
  return [
    {
      kind: 'outbox',
      description: 'published outbox events',
      table: 'outbox',
      key: 'seq',
      keyType: 'bigint',
      clockStarts: 't.published_at',
      clockStartsWhen: 'the relay published them',
      variable: 'RETENTION_OUTBOX_DAYS',
      defaultDays: OUTBOX_DEFAULT_DAYS,
      action: { type: 'delete' },
    },
    {
      kind: 'inbox',
      description: 'inbox de-duplication records',
      table: 'inbox',
      key: 'ctid',
      keyType: 'tid',
      clockStarts: 't.processed_at',
      clockStartsWhen: 'the event was processed',
      variable: 'RETENTION_INBOX_DAYS',
      defaultDays: INBOX_DEFAULT_DAYS,
      minimum: {
        days: 8,
        because:
          "longer than Kafka's default seven-day topic retention, or a redelivered event would act twice",
      },
      action: { type: 'delete' },
    },
  ];
}
