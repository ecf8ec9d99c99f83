import { messagingRetentionRules, type RetentionPolicy } from '@harbour/platform';

/** A child, or someone whose age is disputed (treated as a child): kept longer. */
const CHILD_SUBJECT = `coalesce((t.subject->>'isChild')::boolean OR (t.subject->>'ageDisputed')::boolean, true)`;

/**
 * When an NRM referral's case is over in the NRM: its Conclusive Grounds decision, or a negative
 * Reasonable Grounds decision — or, after a positive CG, the end of the support it gave, if later.
 * Until then (no decision, or only a positive RG) it is open.
 */
const NRM_CONCLUDED = `(SELECT max(greatest(d.recorded_at,
    (d.support_ends_on + 1)::timestamp AT TIME ZONE 'Europe/London'))
  FROM referral_decision d
  WHERE d.referral_id = t.id AND (d.stage = 'conclusive_grounds' OR d.outcome = 'negative'))`;

/** A referral's shell keeps mechanism, borough, dates, subject, exploitation types and decisions. */
const REFERRAL_ERASURE = {
  personal_encrypted: 'NULL',
  locations: `'[]'::jsonb`,
  indicators: `'[]'::jsonb`,
  accommodation_need: 'NULL',
} as const;

/**
 * Intake's retention policy (docs/retention.md has the reasons for each period). Intake is the
 * front door: it keeps what partners sent so they can read it back and record decisions; the
 * case work lives in safeguarding and accommodation, which keep their own copies by their own
 * policies.
 */
export const INTAKE_RETENTION_POLICY: RetentionPolicy = {
  service: 'intake',
  rules: [
    {
      kind: 'referral.nrm_adult',
      description: "adults' NRM referrals",
      table: 'referral',
      key: 'id',
      where: `t.mechanism = 'nrm' AND NOT ${CHILD_SUBJECT}`,
      clockStarts: NRM_CONCLUDED,
      clockStartsWhen:
        'the Conclusive Grounds decision (or a negative Reasonable Grounds decision) is recorded, or the support it gave ends',
      variable: 'RETENTION_REFERRAL_ADULT_DAYS',
      defaultDays: 730,
      action: { type: 'erase', set: REFERRAL_ERASURE, erasedAtColumn: 'erased_at' },
    },
    {
      kind: 'referral.nrm_child',
      description: "children's NRM referrals (and disputed ages)",
      table: 'referral',
      key: 'id',
      where: `t.mechanism = 'nrm' AND ${CHILD_SUBJECT}`,
      clockStarts: NRM_CONCLUDED,
      clockStartsWhen:
        'the Conclusive Grounds decision (or a negative Reasonable Grounds decision) is recorded, or the support it gave ends',
      variable: 'RETENTION_REFERRAL_CHILD_DAYS',
      defaultDays: 2190,
      action: { type: 'erase', set: REFERRAL_ERASURE, erasedAtColumn: 'erased_at' },
    },
    {
      kind: 'referral.duty_to_notify',
      description: 'Duty to Notify records',
      table: 'referral',
      key: 'id',
      where: `t.mechanism = 'duty_to_notify'`,
      clockStarts: 't.submitted_at',
      clockStartsWhen: 'they are submitted (they have no decisions)',
      variable: 'RETENTION_DUTY_TO_NOTIFY_DAYS',
      defaultDays: 730,
      action: { type: 'erase', set: REFERRAL_ERASURE, erasedAtColumn: 'erased_at' },
    },
    {
      kind: 'missing_episode.child',
      description: "children's missing episodes",
      table: 'missing_episode',
      key: 'id',
      where: 't.is_child',
      clockStarts: `CASE WHEN t.status = 'found' THEN t.found_at END`,
      clockStartsWhen: 'the child is found',
      variable: 'RETENTION_MISSING_EPISODE_CHILD_DAYS',
      defaultDays: 2190,
      action: {
        type: 'erase',
        set: { personal_encrypted: 'NULL', report: `'{}'::jsonb` },
        erasedAtColumn: 'erased_at',
        dependents: [{ table: 'missing_episode_entry', column: 'episode_id' }],
      },
    },
    {
      kind: 'missing_episode.adult',
      description: "adults' missing episodes",
      table: 'missing_episode',
      key: 'id',
      where: 'NOT t.is_child',
      clockStarts: `CASE WHEN t.status = 'found' THEN t.found_at END`,
      clockStartsWhen: 'the person is found',
      variable: 'RETENTION_MISSING_EPISODE_ADULT_DAYS',
      defaultDays: 730,
      action: {
        type: 'erase',
        set: { personal_encrypted: 'NULL', report: `'{}'::jsonb` },
        erasedAtColumn: 'erased_at',
        dependents: [{ table: 'missing_episode_entry', column: 'episode_id' }],
      },
    },
    {
      kind: 'operation',
      description: 'planned operations and their outcomes',
      table: 'operation',
      key: 'id',
      // Cancelled: when it was called off. Otherwise its planned end, outcome recorded or not.
      clockStarts: `CASE WHEN t.state = 'cancelled' THEN t.cancelled_at ELSE t.planned_end END`,
      clockStartsWhen: 'the operation ends (its planned end) or is cancelled',
      variable: 'RETENTION_OPERATION_DAYS',
      defaultDays: 180,
      action: {
        type: 'delete',
        dependents: [{ table: 'operation_outcome', column: 'operation_id' }],
      },
    },
    {
      kind: 'bed_request',
      description: 'bed requests',
      table: 'bed_request',
      key: 'id',
      // Matching is over by match_by (accommodation owns what happened next) or at withdrawal.
      clockStarts: `CASE WHEN t.state = 'withdrawn' THEN t.withdrawn_at ELSE t.match_by END`,
      clockStartsWhen: 'they are withdrawn or their matching window closes',
      variable: 'RETENTION_BED_REQUEST_DAYS',
      defaultDays: 90,
      action: {
        type: 'erase',
        set: {
          person_encrypted: 'NULL',
          withdrawal_reason: 'NULL',
          // The zones around a postcode say where the exploiter is; the boroughs stay.
          exclusion_zones: `jsonb_set(t.exclusion_zones, '{around}', '[]'::jsonb)`,
        },
        erasedAtColumn: 'erased_at',
      },
    },
    {
      kind: 'idempotency_record',
      description: 'stored replies to Idempotency-Keys',
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
