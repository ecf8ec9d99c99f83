import type { AlertRequested, DisclosureLevel, OrganisationKind } from '@harbour/contracts';

/**
 * Which organisation kinds may receive a released disclosure stage, as data so it can be read,
 * reviewed and tested on its own:
 * - `notice` (no address, no names) goes to everyone who received the alert;
 * - `operational` (address, exact time) goes to the partners who act on the ground — not to
 *   housing providers, who need numbers of beds, not where an operation happens;
 * - `personal` (names, dates of birth, photos) only to roles with a lawful need: police, local
 *   authority safeguarding and missing-person units.
 * A kind missing from a level's list never receives that level; an unknown kind receives nothing.
 */
export const FOLLOW_UP_DISCLOSURE: Readonly<Record<DisclosureLevel, readonly OrganisationKind[]>> =
  {
    notice: [
      'police_borough',
      'police_specialist',
      'immigration',
      'local_authority',
      'ngo',
      'housing_provider',
      'missing_person_unit',
      'coordinator',
    ],
    operational: [
      'police_borough',
      'police_specialist',
      'immigration',
      'local_authority',
      'missing_person_unit',
      'coordinator',
      'ngo',
    ],
    personal: ['police_borough', 'police_specialist', 'local_authority', 'missing_person_unit'],
  };

/** Whether an organisation of this kind may be sent a stage released at this level. */
export function maySeeStage(kind: string, level: DisclosureLevel): boolean {
  const allowed: readonly string[] = FOLLOW_UP_DISCLOSURE[level];
  return allowed.includes(kind);
}

/**
 * Whether a recipient of this kind receives a released stage: its kind may see the stage's level
 * AND, when the stage names `roles` (e.g. a Philomena profile for police only), it is one of
 * them. `roles` only ever narrows: it never lets a kind see a level it is not cleared for.
 */
export function mayReceiveStage(
  kind: string,
  level: DisclosureLevel,
  roles?: readonly OrganisationKind[],
): boolean {
  if (!maySeeStage(kind, level)) return false;
  if (roles === undefined) return true;
  const named: readonly string[] = roles;
  return named.includes(kind);
}

/**
 * What a recipient whose kind may not see an alert's disclosure level is sent: the notice only —
 * the title, severity, borough, deadline and reference, without the summary's detail lines.
 */
export function noticeOnly(alert: AlertRequested): AlertRequested {
  return {
    ...alert,
    disclosure: { level: 'notice' },
    summary: {
      title: alert.summary.title,
      lines: [
        {
          label: 'Details',
          value: 'shared only with the partners cleared for them; this is the notice for yours',
        },
      ],
    },
  };
}
