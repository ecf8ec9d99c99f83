/**
 * When a case counts as "open" for linking and for the known-victim index, as SQL over the
 * safeguarding schema. One place, so the derived marker and the index agree.
 *
 * `today` is the London date (`YYYY-MM-DD`) and `now` the instant of the question, both bound as
 * parameters by the caller.
 */

/** An NRM referral not closed by a negative decision, and whose support has not ended. */
export function openNrmReferral(alias: string, todayParam: string): string {
  return `(${alias}.mechanism = 'nrm' AND ${alias}.status = 'open'
    AND (${alias}.support_ends_on IS NULL OR ${alias}.support_ends_on >= ${todayParam}::date))`;
}

/** A Duty to Notify report from the last 12 months (it has no decisions to close it). */
export function recentDutyToNotify(alias: string, nowParam: string): string {
  return `(${alias}.mechanism = 'duty_to_notify'
    AND ${alias}.submitted_at > ${nowParam}::timestamptz - interval '12 months')`;
}

/**
 * A missing episode still missing, or a found child with a trafficking marker: a trafficked
 * child stays "known" after coming home.
 */
export function knownEpisode(alias: string): string {
  return `(${alias}.status = 'missing'
    OR (${alias}.is_child AND cardinality(${alias}.trafficking_markers) > 0))`;
}
