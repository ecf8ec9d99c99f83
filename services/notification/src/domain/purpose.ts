import type { AlertRequested, OrganisationKind } from '@harbour/contracts';

/**
 * Why information was given to Harbour, which bounds who it may ever reach (purpose limitation):
 * - `victim_support`: given so a potential victim can be referred, housed and supported — a
 *   referral, a bed request, a partner's answer about what it can bring. People disclose it to
 *   be helped; it must never become intelligence for immigration enforcement, or victims stop
 *   coming forward.
 * - `safeguarding`: an operation being planned or a person gone missing, which the enforcement
 *   partners themselves take part in.
 */
export const PURPOSES = ['victim_support', 'safeguarding'] as const;
export type Purpose = (typeof PURPOSES)[number];

/** What an alert can be about (`harbour.alert.requested` → `cause.kind`). */
export type AlertCauseKind = AlertRequested['cause']['kind'];

/**
 * The purpose of an alert, by what caused it. Typed over every cause kind, so a new kind does not
 * compile until someone decides its purpose.
 */
export const CAUSE_PURPOSES: Readonly<Record<AlertCauseKind, Purpose>> = {
  referral: 'victim_support',
  bed_request: 'victim_support',
  operation: 'safeguarding',
  missing_episode: 'safeguarding',
};

/**
 * The organisation kinds information of each purpose may reach, as an allow-list: a kind added
 * later receives no victim-support data until it is added here on purpose.
 */
export const PURPOSE_RECIPIENTS: Readonly<Record<Purpose, readonly OrganisationKind[]>> = {
  victim_support: [
    'police_borough',
    'police_specialist',
    'local_authority',
    'ngo',
    'housing_provider',
    'missing_person_unit',
    'coordinator',
  ],
  safeguarding: [
    'police_borough',
    'police_specialist',
    'immigration',
    'local_authority',
    'ngo',
    'housing_provider',
    'missing_person_unit',
    'coordinator',
  ],
};

/**
 * Partners' acknowledgement responses ("2 caseworkers, 1 Albanian interpreter") say what support
 * is on its way to the people found, whatever the alert was about: victim support, always.
 */
export const RESPONSE_PURPOSE: Purpose = 'victim_support';

/**
 * The purpose of an alert's content. A cause kind this code does not know (a row written by a
 * newer version) counts as victim support: when in doubt, the narrower audience.
 */
export function purposeOf(alert: { cause: { kind: string } }): Purpose {
  const kind = alert.cause.kind;
  return Object.hasOwn(CAUSE_PURPOSES, kind)
    ? CAUSE_PURPOSES[kind as AlertCauseKind]
    : 'victim_support';
}

/**
 * THE rule of purpose-bound sharing: whether an organisation of this kind may receive information
 * given for this purpose. Every place that chooses a recipient or renders content for one asks
 * this, whatever routing rules, named organisations, escalation policies or stages say. An
 * unknown kind receives nothing.
 */
export function mayReceive(purpose: Purpose, organisationKind: string): boolean {
  const allowed: readonly string[] = PURPOSE_RECIPIENTS[purpose];
  return allowed.includes(organisationKind);
}

/**
 * Splits candidate recipients into those the purpose allows and those it withholds from, keeping
 * their order.
 */
export function partitionByPurpose<T>(
  purpose: Purpose,
  candidates: readonly T[],
  kindOf: (candidate: T) => string,
): { allowed: T[]; withheld: T[] } {
  const allowed: T[] = [];
  const withheld: T[] = [];
  for (const candidate of candidates) {
    (mayReceive(purpose, kindOf(candidate)) ? allowed : withheld).push(candidate);
  }
  return { allowed, withheld };
}

/**
 * What is recorded (log message, matched-rule clause) when the purpose keeps information from a
 * recipient the routing chose: it was withheld, not lost. Ids go with it, never content.
 */
export function withheldNote(purpose: Purpose): string {
  return `withheld: purpose ${purpose}`;
}
