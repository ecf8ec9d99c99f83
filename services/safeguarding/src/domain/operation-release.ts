import type { OperationDetails, OrganisationKind } from '@harbour/contracts';
import { formatLondonTime } from '@harbour/london';
import type { StageRelease, SummaryLine } from './alert-decision';

/** The rule named in every release's audit reason. */
export const OPERATIONAL_RELEASE_RULE = 'operation-operational-release';

/** The operational stage of a plan: address, exact times, lead contact. */
export type OperationalDetail = OperationDetails['operational'];

const MINUTE_MS = 60_000;

/**
 * When the operational detail is due: `leadMinutes` before the start. A due time already passed
 * (a plan or update made late) means at once.
 */
export function operationalReleaseDueAt(startsAt: string, leadMinutes: number): Date {
  return new Date(Date.parse(startsAt) - leadMinutes * MINUTE_MS);
}

/**
 * The operational stage released to an alert, narrowed to the vetted kinds: address, postcode,
 * London start and end times, the lead contact's name and phone. The reason says how long before
 * the start it went out, for the audit trail.
 */
export function operationalReleaseStage(input: {
  title: string;
  detail: OperationalDetail;
  releasedAt: Date;
  vettedKinds: readonly OrganisationKind[];
}): StageRelease {
  const { detail } = input;
  const minutesBefore = Math.max(
    0,
    Math.round((Date.parse(detail.startsAt) - input.releasedAt.getTime()) / MINUTE_MS),
  );
  const lines: SummaryLine[] = [
    { label: 'Address', value: detail.address.line1 },
    ...(detail.address.line2 !== undefined && detail.address.line2 !== ''
      ? [{ label: 'Address line 2', value: detail.address.line2 }]
      : []),
    { label: 'Postcode', value: detail.address.postcode },
    { label: 'Starts at', value: formatLondonTime(detail.startsAt) },
    { label: 'Ends at', value: formatLondonTime(detail.endsAt) },
    ...(detail.leadContact !== undefined
      ? [{ label: 'Lead contact', value: detail.leadContact.name }]
      : []),
    ...(detail.leadContact?.phone !== undefined
      ? [{ label: 'Lead contact phone', value: detail.leadContact.phone }]
      : []),
  ];
  return {
    level: 'operational',
    title: `Operational detail — ${input.title}`.slice(0, 200),
    lines,
    reason: `operational detail released ${minutesBefore} minutes before start (rule ${OPERATIONAL_RELEASE_RULE})`,
    roles: [...input.vettedKinds],
  };
}
