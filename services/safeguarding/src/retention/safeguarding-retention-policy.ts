import { messagingRetentionRules, type RetentionPolicy } from '@harbour/platform';

/**
 * An NRM case is over when a negative decision closed it, or when the support after a positive
 * Conclusive Grounds decision ended (the known-victim index stops treating it as open then).
 */
const NRM_CASE_ENDED = `CASE
  WHEN t.status = 'closed' THEN t.updated_at
  WHEN t.support_ends_on IS NOT NULL THEN (t.support_ends_on + 1)::timestamp AT TIME ZONE 'Europe/London'
END`;

/**
 * An alert decision is kept while what caused it is still active (a child still missing, an NRM
 * case still open, an operation still planned, a bed offer still live), whatever its age.
 */
const CAUSE_NO_LONGER_ACTIVE = `NOT CASE t.cause_kind
  WHEN 'missing_episode' THEN EXISTS (SELECT 1 FROM missing_episode e
    WHERE e.episode_id = t.cause_id AND e.status = 'missing')
  WHEN 'referral' THEN EXISTS (SELECT 1 FROM referral_case r
    WHERE r.referral_id = t.cause_id AND r.status = 'open'
      AND (r.support_ends_on IS NULL OR r.support_ends_on >= current_date))
  WHEN 'operation' THEN EXISTS (SELECT 1 FROM operation o
    WHERE o.operation_id = t.cause_id AND o.status = 'planned')
  WHEN 'bed_request' THEN EXISTS (SELECT 1 FROM bed_offer_alert b
    WHERE b.request_id = t.cause_id AND b.state = 'live')
  ELSE false
END`;

/** A case's blind indexes: person keys (linking records of one person) and known locations. */
const caseIndexes = (caseKind: 'referral' | 'missing_episode') => [
  { table: 'person_key', column: 'case_id', where: `d.case_kind = '${caseKind}'` },
  { table: 'known_victim_location', column: 'case_id', where: `d.case_kind = '${caseKind}'` },
];

const REFERRAL_ERASURE = {
  type: 'erase',
  set: { personal_encrypted: 'NULL', share_with: `'{}'` },
  erasedAtColumn: 'erased_at',
  dependents: caseIndexes('referral'),
} as const;

const EPISODE_ERASURE = {
  type: 'erase',
  set: { personal_encrypted: 'NULL' },
  erasedAtColumn: 'erased_at',
  dependents: caseIndexes('missing_episode'),
} as const;

/**
 * Safeguarding's retention policy (docs/retention.md has the reasons for each period). Cases are
 * erased to a shell (kind, borough, child or not, dates, decisions, alerts raised) and their
 * entries in the known-victim index and person keys deleted with them, so an erased case can no
 * longer be found or linked. Alert decisions, timers and bed-request bookkeeping hold ids, rules
 * and states only and are deleted.
 */
export const SAFEGUARDING_RETENTION_POLICY: RetentionPolicy = {
  service: 'safeguarding',
  rules: [
    {
      kind: 'referral_case.nrm_adult',
      description: "adults' NRM referral cases",
      table: 'referral_case',
      key: 'referral_id',
      where: `t.mechanism = 'nrm' AND NOT (t.is_child OR t.age_disputed)`,
      clockStarts: NRM_CASE_ENDED,
      clockStartsWhen: 'a negative decision closes the case or support after a positive CG ends',
      variable: 'RETENTION_REFERRAL_CASE_ADULT_DAYS',
      defaultDays: 730,
      action: REFERRAL_ERASURE,
    },
    {
      kind: 'referral_case.nrm_child',
      description: "children's NRM referral cases (and disputed ages)",
      table: 'referral_case',
      key: 'referral_id',
      where: `t.mechanism = 'nrm' AND (t.is_child OR t.age_disputed)`,
      clockStarts: NRM_CASE_ENDED,
      clockStartsWhen: 'a negative decision closes the case or support after a positive CG ends',
      variable: 'RETENTION_REFERRAL_CASE_CHILD_DAYS',
      defaultDays: 2190,
      action: REFERRAL_ERASURE,
    },
    {
      kind: 'referral_case.duty_to_notify',
      description: 'Duty to Notify reports (no identifying details; their known locations)',
      table: 'referral_case',
      key: 'referral_id',
      where: `t.mechanism = 'duty_to_notify'`,
      clockStarts: 't.submitted_at',
      clockStartsWhen: 'they are submitted (the index counts them for 12 months)',
      variable: 'RETENTION_DUTY_TO_NOTIFY_DAYS',
      defaultDays: 730,
      minimum: {
        days: 366,
        because: 'the known-victim index counts a Duty to Notify report for 12 months',
      },
      action: REFERRAL_ERASURE,
    },
    {
      kind: 'missing_episode.child',
      description: "children's missing episodes",
      table: 'missing_episode',
      key: 'episode_id',
      where: 't.is_child OR t.age_disputed',
      clockStarts: `CASE WHEN t.status = 'found' THEN t.found_at END`,
      clockStartsWhen: 'the child is found',
      variable: 'RETENTION_MISSING_EPISODE_CHILD_DAYS',
      defaultDays: 2190,
      action: EPISODE_ERASURE,
    },
    {
      kind: 'missing_episode.adult',
      description: "adults' missing episodes",
      table: 'missing_episode',
      key: 'episode_id',
      where: 'NOT (t.is_child OR t.age_disputed)',
      clockStarts: `CASE WHEN t.status = 'found' THEN t.found_at END`,
      clockStartsWhen: 'the person is found',
      variable: 'RETENTION_MISSING_EPISODE_ADULT_DAYS',
      defaultDays: 730,
      action: EPISODE_ERASURE,
    },
    {
      kind: 'operation',
      description: 'operations with their alerts and timers',
      table: 'operation',
      key: 'operation_id',
      // Still planned: from its start (every timer has fired or been cancelled long before).
      clockStarts: `CASE WHEN t.status = 'planned' THEN t.starts_at ELSE t.updated_at END`,
      clockStartsWhen: 'the operation is cancelled, its outcome recorded, or it started',
      variable: 'RETENTION_OPERATION_DAYS',
      defaultDays: 180,
      action: {
        type: 'delete',
        dependents: [
          { table: 'scheduled_action', column: 'operation_id' },
          { table: 'operation_alert', column: 'operation_id' },
        ],
      },
    },
    {
      kind: 'known_victim_check',
      description: 'records of known-victim checks (blind indexes, who asked)',
      table: 'known_victim_check',
      key: 'check_id',
      clockStarts: 't.checked_at',
      clockStartsWhen: 'the check',
      variable: 'RETENTION_KNOWN_VICTIM_CHECK_DAYS',
      defaultDays: 730,
      action: { type: 'delete' },
    },
    {
      kind: 'alert_decision',
      description: 'alert decisions (rule, audience, severity)',
      table: 'alert_decision',
      key: 'alert_id',
      where: CAUSE_NO_LONGER_ACTIVE,
      clockStarts: 't.decided_at',
      clockStartsWhen: 'the decision',
      variable: 'RETENTION_ALERT_DECISION_DAYS',
      defaultDays: 2190,
      action: { type: 'delete' },
    },
    {
      kind: 'episode_alert',
      description: "closed alerts' bookkeeping for missing episodes",
      table: 'episode_alert',
      key: 'alert_id',
      where: `t.state <> 'open'`,
      // From the later of the alert's end and the person being found: never while missing.
      clockStarts: `(SELECT CASE WHEN e.status = 'found'
          THEN greatest(e.found_at, coalesce(t.closed_at, t.requested_at)) END
        FROM missing_episode e WHERE e.episode_id = t.episode_id)`,
      clockStartsWhen: 'the alert is closed or superseded and the person is found',
      variable: 'RETENTION_EPISODE_ALERT_DAYS',
      defaultDays: 730,
      action: { type: 'delete' },
    },
    {
      kind: 'bed_offer_alert',
      description: "closed bed offers' alert bookkeeping",
      table: 'bed_offer_alert',
      key: 'offer_id',
      clockStarts: `CASE WHEN t.state = 'closed' THEN t.closed_at END`,
      clockStartsWhen: 'the offer ends',
      variable: 'RETENTION_BED_OFFER_ALERT_DAYS',
      defaultDays: 365,
      action: { type: 'delete' },
    },
    {
      kind: 'bed_request_outcome',
      description: "bed requests' outcomes told to requesters",
      table: 'bed_request_outcome',
      key: 'ctid',
      keyType: 'tid',
      clockStarts: 't.recorded_at',
      clockStartsWhen: 'the outcome is recorded',
      variable: 'RETENTION_BED_REQUEST_OUTCOME_DAYS',
      defaultDays: 365,
      action: { type: 'delete' },
    },
    ...messagingRetentionRules(),
  ],
};
