import type { AlertSummary, DisclosureLevel } from '@harbour/contracts';

/**
 * A disclosure stage safeguarding released after the alert: what recipients cleared for `level`
 * may now see. A follow-up is rendered from this summary only, never from the alert's original.
 */
export interface ReleasedStage {
  level: DisclosureLevel;
  summary: AlertSummary;
  /** ISO 8601. */
  releasedAt: string;
}

const LEVELS: readonly string[] = ['notice', 'operational', 'personal'] satisfies DisclosureLevel[];

/** Narrows a `delivery.stage` column value to a disclosure level (null when it is none). */
export function asDisclosureLevel(value: string | null | undefined): DisclosureLevel | null {
  return typeof value === 'string' && LEVELS.includes(value) ? (value as DisclosureLevel) : null;
}
