import { messagingRetentionRules, type RetentionPolicy } from '@harbour/platform';

/** When the request an offer belongs to ended: an offer lives and dies with its request. */
const REQUEST_ENDED = `(SELECT r.closed_at FROM bed_request r
  WHERE r.id = t.request_id AND r.state <> 'open')`;

/**
 * Accommodation's retention policy (docs/retention.md has the reasons for each period). The
 * person's names are needed only until a provider has accepted (the provider keeps its own
 * records of who it houses), so a closed request is erased to a shell — needs, urgency,
 * excluded boroughs, outcome — that keeps the partnership's picture of unmet demand. Placements
 * hold ids and dates only and stay as that picture's other half; properties are the providers'
 * own current listings, changed or removed by them.
 */
export const ACCOMMODATION_RETENTION_POLICY: RetentionPolicy = {
  service: 'accommodation',
  rules: [
    {
      kind: 'bed_request',
      description: 'closed bed requests (placed, unmatched or withdrawn)',
      table: 'bed_request',
      key: 'id',
      clockStarts: `CASE WHEN t.state <> 'open' THEN t.closed_at END`,
      clockStartsWhen: 'the request is placed, unmatched or withdrawn',
      variable: 'RETENTION_BED_REQUEST_DAYS',
      defaultDays: 90,
      action: {
        type: 'erase',
        set: {
          person_encrypted: 'NULL',
          // The zones around a postcode say where the exploiter is; the boroughs stay.
          exclusion_zones: `jsonb_set(t.exclusion_zones, '{around}', '[]'::jsonb)`,
          timer_last_error: 'NULL',
        },
        erasedAtColumn: 'erased_at',
      },
    },
    {
      kind: 'offer',
      description: "ended offers' providers' free-text decline reasons",
      table: 'offer',
      key: 'id',
      where: `t.state <> 'offered'`,
      clockStarts: REQUEST_ENDED,
      clockStartsWhen: 'their request is closed',
      variable: 'RETENTION_OFFER_DAYS',
      defaultDays: 90,
      action: { type: 'erase', set: { decline_reason: 'NULL' }, erasedAtColumn: 'erased_at' },
    },
    {
      kind: 'availability_change',
      description: "properties' availability history",
      table: 'availability_change',
      key: 'id',
      keyType: 'bigint',
      clockStarts: 't.changed_at',
      clockStartsWhen: 'the change (the property keeps its current availability)',
      variable: 'RETENTION_AVAILABILITY_HISTORY_DAYS',
      defaultDays: 365,
      action: { type: 'delete' },
    },
    {
      kind: 'idempotency_record',
      description: 'stored replies to Idempotency-Keys (an acceptance carries names)',
      table: 'idempotency_record',
      key: 'ctid',
      keyType: 'tid',
      clockStarts: 't.created_at',
      clockStartsWhen: 'the first request',
      variable: 'RETENTION_IDEMPOTENCY_RECORD_DAYS',
      defaultDays: 30,
      action: { type: 'delete' },
    },
    ...messagingRetentionRules(),
  ],
};
