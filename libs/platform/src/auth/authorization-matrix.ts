import type { OrganisationKind, Role } from '../identity/organisation-kind';

/** The services whose routes the matrix covers; `every` is a route the platform adds to each. */
export const HARBOUR_SERVICES = [
  'intake',
  'safeguarding',
  'accommodation',
  'notification',
] as const;
export type HarbourService = (typeof HARBOUR_SERVICES)[number];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The rule a handler applies to the record or borough a request is about, after the guard has
 * checked kind and role. The guard cannot see records, so this column documents what the
 * handler enforces; another organisation's record is always 404, never 403.
 */
export const AUTHORIZATION_SCOPES = {
  'served-borough': 'only about a borough the caller’s organisation serves (pan-London serves all)',
  'own-organisation': 'only records the caller’s organisation made, or was made party to',
  'own-or-served-borough':
    'records the caller’s organisation made, or about a borough it serves (reporting kinds)',
  'own-alerts': 'only alerts delivered to the caller’s organisation',
  coordinator: 'coordinator only: every record',
  any: 'no per-record rule',
} as const;
export type AuthorizationScope = keyof typeof AUTHORIZATION_SCOPES;

interface EntryBase {
  /** Stable name, `<service>.<resource>.<verb>`; routes name it in `@Authorize(...)`. */
  action: string;
  service: HarbourService | 'every';
  method: HttpMethod;
  /** As the route declares it: controller path and method path joined, Nest `:param` form. */
  path: string;
}

/** A route that needs an API key, of one of these kinds (`any`: every kind) and roles. */
export interface GuardedEntry extends EntryBase {
  access: 'key';
  kinds: readonly OrganisationKind[] | 'any';
  /** The key needs at least one of these; roles do not imply one another. */
  roles: readonly Role[];
  scope: AuthorizationScope;
  note: string;
}

/** A route any caller may use; `reason` says why that is safe. */
export interface PublicEntry extends EntryBase {
  access: 'public';
  reason: string;
}

export type AuthorizationEntry = GuardedEntry | PublicEntry;

const REPORTING = [
  'police_borough',
  'police_specialist',
  'missing_person_unit',
  'local_authority',
] as const;
const FIRST_RESPONDERS = [
  'police_borough',
  'police_specialist',
  'immigration',
  'local_authority',
  'ngo',
] as const;
const PLANNERS = ['police_borough', 'police_specialist', 'immigration'] as const;

/**
 * Who may do what, once: every route of every service is one entry, and each route says which
 * by `@Authorize(action)` (or `@Public()` for a public entry). The guard enforces kinds × roles
 * from here; tests check every route against it and `docs/authorization.md` is rendered from it.
 */
export const AUTHORIZATION_MATRIX = [
  // intake: missing episodes
  {
    action: 'intake.missing-episode.report',
    service: 'intake',
    method: 'POST',
    path: '/v1/missing-episodes',
    access: 'key',
    kinds: REPORTING,
    roles: ['submit'],
    scope: 'served-borough',
    note: 'Police, missing-person units and local authorities report a missing child.',
  },
  {
    action: 'intake.missing-episode.read',
    service: 'intake',
    method: 'GET',
    path: '/v1/missing-episodes/:id',
    access: 'key',
    kinds: 'any',
    roles: ['submit', 'read'],
    scope: 'own-or-served-borough',
    note: 'The reporter, a reporting kind serving the borough, or a coordinator.',
  },
  {
    action: 'intake.missing-episode.regrade',
    service: 'intake',
    method: 'POST',
    path: '/v1/missing-episodes/:id/risk-grades',
    access: 'key',
    kinds: [...REPORTING, 'coordinator'],
    roles: ['submit'],
    scope: 'own-or-served-borough',
    note: 'The police who find the child need not be those who reported her; coordinators too.',
  },
  {
    action: 'intake.missing-episode.update',
    service: 'intake',
    method: 'POST',
    path: '/v1/missing-episodes/:id/updates',
    access: 'key',
    kinds: [...REPORTING, 'coordinator'],
    roles: ['submit'],
    scope: 'own-or-served-borough',
    note: 'Sightings and other updates; as for a regrade.',
  },
  {
    action: 'intake.missing-episode.found',
    service: 'intake',
    method: 'POST',
    path: '/v1/missing-episodes/:id/found',
    access: 'key',
    kinds: [...REPORTING, 'coordinator'],
    roles: ['submit'],
    scope: 'own-or-served-borough',
    note: 'Closes the episode and starts the return home interview; as for a regrade.',
  },
  {
    action: 'intake.missing-episode.return-home-interview',
    service: 'intake',
    method: 'POST',
    path: '/v1/missing-episodes/:id/return-home-interview',
    access: 'key',
    kinds: ['local_authority', 'coordinator'],
    roles: ['submit'],
    scope: 'own-or-served-borough',
    note: 'The child’s local authority records the interview.',
  },
  // intake: referrals
  {
    action: 'intake.referral.submit',
    service: 'intake',
    method: 'POST',
    path: '/v1/referrals',
    access: 'key',
    kinds: FIRST_RESPONDERS,
    roles: ['submit'],
    scope: 'served-borough',
    note: 'First responders refer a potential victim (NRM or Duty to Notify).',
  },
  {
    action: 'intake.referral.read',
    service: 'intake',
    method: 'GET',
    path: '/v1/referrals/:id',
    access: 'key',
    kinds: 'any',
    roles: ['submit', 'read'],
    scope: 'own-organisation',
    note: 'The referring organisation; coordinators read every referral.',
  },
  {
    action: 'intake.referral.decide',
    service: 'intake',
    method: 'POST',
    path: '/v1/referrals/:id/decisions',
    access: 'key',
    kinds: [...FIRST_RESPONDERS, 'coordinator'],
    roles: ['submit'],
    scope: 'own-organisation',
    note: 'Records an NRM decision: the referring organisation, or a coordinator.',
  },
  // intake: operations
  {
    action: 'intake.operation.plan',
    service: 'intake',
    method: 'POST',
    path: '/v1/operations',
    access: 'key',
    kinds: PLANNERS,
    roles: ['submit'],
    scope: 'served-borough',
    note: 'Police plan raids and warrants, immigration welfare visits and enforcement.',
  },
  {
    action: 'intake.operation.list',
    service: 'intake',
    method: 'GET',
    path: '/v1/operations',
    access: 'key',
    kinds: PLANNERS,
    roles: ['submit', 'read'],
    scope: 'own-organisation',
    note: 'The planner’s own operations, a page at a time: kind, borough, times and state; never the address, lead contact or outcome.',
  },
  {
    action: 'intake.operation.read',
    service: 'intake',
    method: 'GET',
    path: '/v1/operations/:id',
    access: 'key',
    kinds: 'any',
    roles: ['submit', 'read'],
    scope: 'own-organisation',
    note: 'The planner; coordinators read every operation but not its restricted notes.',
  },
  {
    action: 'intake.operation.update',
    service: 'intake',
    method: 'POST',
    path: '/v1/operations/:id/updates',
    access: 'key',
    kinds: PLANNERS,
    roles: ['submit'],
    scope: 'own-organisation',
    note: 'Reschedules or changes the plan: the planner only.',
  },
  {
    action: 'intake.operation.cancel',
    service: 'intake',
    method: 'POST',
    path: '/v1/operations/:id/cancellation',
    access: 'key',
    kinds: PLANNERS,
    roles: ['submit'],
    scope: 'own-organisation',
    note: 'The planner only.',
  },
  {
    action: 'intake.operation.outcome',
    service: 'intake',
    method: 'POST',
    path: '/v1/operations/:id/outcome',
    access: 'key',
    kinds: PLANNERS,
    roles: ['submit'],
    scope: 'own-organisation',
    note: 'The planner only.',
  },
  // intake: the coordinator's London map
  {
    action: 'intake.borough.counts',
    service: 'intake',
    method: 'GET',
    path: '/v1/boroughs/counts',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['read', 'admin'],
    scope: 'coordinator',
    note: 'Operations, children’s missing episodes and referrals in a period, by borough, for the London map: counts only.',
  },
  // intake: bed requests
  {
    action: 'intake.bed-request.submit',
    service: 'intake',
    method: 'POST',
    path: '/v1/bed-requests',
    access: 'key',
    kinds: [...FIRST_RESPONDERS, 'coordinator'],
    roles: ['submit'],
    scope: 'served-borough',
    note: 'First responders ask for a bed; coordinators place across London whatever they serve.',
  },
  {
    action: 'intake.bed-request.read',
    service: 'intake',
    method: 'GET',
    path: '/v1/bed-requests/:id',
    access: 'key',
    kinds: 'any',
    roles: ['submit', 'read'],
    scope: 'own-organisation',
    note: 'The requester (with the person’s names); coordinators without names.',
  },
  {
    action: 'intake.bed-request.withdraw',
    service: 'intake',
    method: 'POST',
    path: '/v1/bed-requests/:id/withdrawal',
    access: 'key',
    kinds: [...FIRST_RESPONDERS, 'coordinator'],
    roles: ['submit'],
    scope: 'own-organisation',
    note: 'The requesting organisation only, coordinators included.',
  },
  {
    action: 'intake.audit.list',
    service: 'intake',
    method: 'GET',
    path: '/v1/audit',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'Intake’s audit chain (reads of personal data), newest first, a page at a time: ids and field names, never values.',
  },
  {
    action: 'intake.audit.export',
    service: 'intake',
    method: 'GET',
    path: '/v1/audit/export',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'Every matching entry of intake’s audit chain as NDJSON, with the hashes that chain them.',
  },
  // safeguarding
  {
    action: 'safeguarding.known-victim.check',
    service: 'safeguarding',
    method: 'POST',
    path: '/v1/known-victim-checks',
    access: 'key',
    kinds: ['police_borough', 'police_specialist', 'immigration', 'coordinator'],
    roles: ['submit', 'read'],
    scope: 'any',
    note: 'Whether a place is linked to someone at risk, never who; every check is audited.',
  },
  {
    action: 'safeguarding.audit.list',
    service: 'safeguarding',
    method: 'GET',
    path: '/v1/audit',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'Safeguarding’s audit chain (retention purge runs), newest first, a page at a time: ids and counts, never values.',
  },
  {
    action: 'safeguarding.audit.export',
    service: 'safeguarding',
    method: 'GET',
    path: '/v1/audit/export',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'Every matching entry of safeguarding’s audit chain as NDJSON, with the hashes that chain them.',
  },
  // accommodation
  {
    action: 'accommodation.property.register',
    service: 'accommodation',
    method: 'POST',
    path: '/v1/properties',
    access: 'key',
    kinds: ['housing_provider'],
    roles: ['submit'],
    scope: 'own-organisation',
    note: 'A provider registers a property as its own.',
  },
  {
    action: 'accommodation.property.list',
    service: 'accommodation',
    method: 'GET',
    path: '/v1/properties',
    access: 'key',
    kinds: ['housing_provider', 'coordinator'],
    roles: ['submit', 'read', 'respond'],
    scope: 'own-organisation',
    note: 'A provider’s own properties; a coordinator’s view of the whole directory.',
  },
  {
    action: 'accommodation.property.read',
    service: 'accommodation',
    method: 'GET',
    path: '/v1/properties/:id',
    access: 'key',
    kinds: ['housing_provider', 'coordinator'],
    roles: ['submit', 'read', 'respond'],
    scope: 'own-organisation',
    note: 'As for the list.',
  },
  {
    action: 'accommodation.property.availability',
    service: 'accommodation',
    method: 'PUT',
    path: '/v1/properties/:id/availability',
    access: 'key',
    kinds: ['housing_provider'],
    roles: ['submit', 'respond'],
    scope: 'own-organisation',
    note: 'The provider that owns the property.',
  },
  {
    action: 'accommodation.offer.list',
    service: 'accommodation',
    method: 'GET',
    path: '/v1/offers',
    access: 'key',
    kinds: ['housing_provider'],
    roles: ['respond', 'read', 'submit'],
    scope: 'own-organisation',
    note: 'The provider’s own offers: needs, urgency and the hold, never names.',
  },
  {
    action: 'accommodation.offer.decide',
    service: 'accommodation',
    method: 'POST',
    path: '/v1/offers/:id/decision',
    access: 'key',
    kinds: ['housing_provider'],
    roles: ['respond', 'submit'],
    scope: 'own-organisation',
    note: 'Accept or decline: the provider the offer was made to.',
  },
  {
    action: 'accommodation.placement.read',
    service: 'accommodation',
    method: 'GET',
    path: '/v1/placements/:id',
    access: 'key',
    kinds: 'any',
    roles: ['submit', 'read', 'respond'],
    scope: 'own-organisation',
    note: 'The provider (with names), the requester (where, not who) or a coordinator (no names).',
  },
  {
    action: 'accommodation.bed-request.read',
    service: 'accommodation',
    method: 'GET',
    path: '/v1/bed-requests/:id',
    access: 'key',
    kinds: 'any',
    roles: ['submit', 'read'],
    scope: 'own-organisation',
    note: 'Where matching stands: the requesting organisation or a coordinator; no names.',
  },
  {
    action: 'accommodation.bed-request.matching',
    service: 'accommodation',
    method: 'GET',
    path: '/v1/bed-requests/:id/matching',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['submit', 'read'],
    scope: 'coordinator',
    note: 'Why each provider was or was not asked, over the whole directory.',
  },
  {
    action: 'accommodation.bed-request.waiting',
    service: 'accommodation',
    method: 'GET',
    path: '/v1/waiting-bed-requests',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['read', 'admin'],
    scope: 'coordinator',
    note: 'Open and unmatched bed requests, oldest first: needs, urgency, time waiting and offers tried; no names.',
  },
  {
    action: 'accommodation.bed-availability.read',
    service: 'accommodation',
    method: 'GET',
    path: '/v1/bed-availability',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['read', 'admin'],
    scope: 'coordinator',
    note: 'Beds across London by gender served, support level and borough, with when each provider last confirmed them: counts, labels and boroughs, no district or address.',
  },
  {
    action: 'accommodation.audit.list',
    service: 'accommodation',
    method: 'GET',
    path: '/v1/audit',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'Accommodation’s audit chain (reads of personal data), newest first, a page at a time: ids and field names, never values.',
  },
  {
    action: 'accommodation.audit.export',
    service: 'accommodation',
    method: 'GET',
    path: '/v1/audit/export',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'Every matching entry of accommodation’s audit chain as NDJSON, with the hashes that chain them.',
  },
  // notification
  {
    action: 'notification.alert.status',
    service: 'notification',
    method: 'GET',
    path: '/v1/alerts/:alertId',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'Where an alert stands and its escalation timers.',
  },
  {
    action: 'notification.alert.deliveries',
    service: 'notification',
    method: 'GET',
    path: '/v1/alerts/:alertId/deliveries',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'Who an alert went to, why, and each delivery’s log.',
  },
  {
    action: 'notification.alert.acknowledge',
    service: 'notification',
    method: 'POST',
    path: '/v1/alerts/:alertId/acknowledgements',
    access: 'key',
    kinds: 'any',
    roles: ['respond'],
    scope: 'own-alerts',
    note: 'A recipient organisation acknowledges, with an optional reply.',
  },
  {
    action: 'notification.alert.acknowledgements',
    service: 'notification',
    method: 'GET',
    path: '/v1/alerts/:alertId/acknowledgements',
    access: 'key',
    kinds: 'any',
    roles: ['read', 'respond', 'admin'],
    scope: 'own-alerts',
    note: 'A recipient sees its own acknowledgement; coordinator admins see every one.',
  },
  {
    action: 'notification.alert.details',
    service: 'notification',
    method: 'GET',
    path: '/v1/alerts/:alertId/details',
    access: 'key',
    kinds: 'any',
    roles: ['read', 'respond', 'admin'],
    scope: 'own-alerts',
    note: 'What the e-mail leaves out: a recipient organisation’s own view of a live alert and the stages it was sent, audited as a disclosure.',
  },
  {
    action: 'notification.alert.inbox',
    service: 'notification',
    method: 'GET',
    path: '/v1/alerts',
    access: 'key',
    kinds: 'any',
    roles: ['read', 'respond'],
    scope: 'own-alerts',
    note: 'The alerts delivered to the caller’s organisation, those awaiting its acknowledgement first: title, severity, level, deadline, state; never lines or stages.',
  },
  {
    action: 'notification.borough.alert-counts',
    service: 'notification',
    method: 'GET',
    path: '/v1/boroughs/alert-counts',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['read', 'admin'],
    scope: 'coordinator',
    note: 'Alerts requested in a period and those still open, by borough, for the London map: counts only.',
  },
  {
    action: 'notification.borough.partners',
    service: 'notification',
    method: 'GET',
    path: '/v1/boroughs/:gss/partners',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['read', 'admin'],
    scope: 'coordinator',
    note: 'The organisations that serve a borough (those serving all London included): name and kind only, never contacts.',
  },
  {
    action: 'notification.cause.alerts',
    service: 'notification',
    method: 'GET',
    path: '/v1/causes/:kind/:id/alerts',
    access: 'key',
    kinds: 'any',
    roles: ['submit', 'read', 'admin'],
    scope: 'own-organisation',
    note: 'The cause’s owner (submit or read key) reads its alerts and replies; coordinators all.',
  },
  {
    action: 'notification.directory.export',
    service: 'notification',
    method: 'GET',
    path: '/v1/directory',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'The partner directory in Open Referral UK shape, without webhook secrets.',
  },
  {
    action: 'notification.directory.import',
    service: 'notification',
    method: 'POST',
    path: '/v1/directory/import',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'Adds organisations and contacts; a document with any problem is refused whole.',
  },
  {
    action: 'notification.dead-letter.topics',
    service: 'notification',
    method: 'GET',
    path: '/v1/dead-letters',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'Each topic of the event catalogue and how many dead letters it has.',
  },
  {
    action: 'notification.dead-letter.list',
    service: 'notification',
    method: 'GET',
    path: '/v1/dead-letters/:topic',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'A topic’s dead letters, newest first: position, event type and id, when and why it failed, earlier replays; never the event’s body.',
  },
  {
    action: 'notification.dead-letter.replay',
    service: 'notification',
    method: 'POST',
    path: '/v1/dead-letters/:topic/replays',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'Republishes the chosen dead letters to their topic; each is recorded in the audit chain (who, which).',
  },
  {
    action: 'notification.audit.list',
    service: 'notification',
    method: 'GET',
    path: '/v1/audit',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'The audit logs, newest first, a page at a time: ids and rules, never personal data.',
  },
  {
    action: 'notification.audit.export',
    service: 'notification',
    method: 'GET',
    path: '/v1/audit/export',
    access: 'key',
    kinds: ['coordinator'],
    roles: ['admin'],
    scope: 'coordinator',
    note: 'Every matching audit entry as NDJSON, with the hashes that chain them.',
  },
  {
    action: 'notification.acknowledgement-link.show',
    service: 'notification',
    method: 'GET',
    path: '/ack/:token',
    access: 'public',
    reason: 'The signed, expiring token in the e-mailed link is the credential; GET only shows.',
  },
  {
    action: 'notification.acknowledgement-link.acknowledge',
    service: 'notification',
    method: 'POST',
    path: '/ack/:token',
    access: 'public',
    reason: 'The signed, expiring token in the e-mailed link is the credential.',
  },
  {
    action: 'notification.acknowledgement-link.details',
    service: 'notification',
    method: 'POST',
    path: '/ack/:token/details',
    access: 'public',
    reason:
      'The signed, expiring token in the e-mailed link is the credential; POST (never GET, which mail scanners prefetch) shows what the e-mail leaves out, and each showing is audited.',
  },
  // every service
  {
    action: 'platform.health',
    service: 'every',
    method: 'GET',
    path: '/health',
    access: 'public',
    reason: 'Liveness for orchestrators: says only that the process answers.',
  },
  {
    action: 'platform.ready',
    service: 'every',
    method: 'GET',
    path: '/ready',
    access: 'public',
    reason: 'Readiness for orchestrators: each dependency up or down, never why.',
  },
] as const satisfies readonly AuthorizationEntry[];

type MatrixEntry = (typeof AUTHORIZATION_MATRIX)[number];

/** The actions a route may name in `@Authorize(...)`: every entry that needs a key. */
export type AuthorizedAction = Extract<MatrixEntry, { access: 'key' }>['action'];
export type PublicAction = Extract<MatrixEntry, { access: 'public' }>['action'];

/** The matrix, widened: what tests and the document iterate over. */
export const AUTHORIZATION_ENTRIES: readonly AuthorizationEntry[] = AUTHORIZATION_MATRIX;

export function authorizationEntry(action: string): AuthorizationEntry | undefined {
  return AUTHORIZATION_ENTRIES.find((entry) => entry.action === action);
}

/** The entry of a guarded action; throws (at decoration time) for an unknown or public one. */
export function guardedEntry(action: string): GuardedEntry {
  const entry = authorizationEntry(action);
  if (entry?.access !== 'key') {
    throw new Error(`"${action}" is not a key-guarded action of the authorization matrix`);
  }
  return entry;
}

/** The matrix's own answer: may a key of this kind with these roles use this action? */
export function matrixAllows(
  entry: GuardedEntry,
  kind: OrganisationKind,
  roles: readonly Role[],
): boolean {
  const kindAllowed = entry.kinds === 'any' || entry.kinds.includes(kind);
  return kindAllowed && entry.roles.some((role) => roles.includes(role));
}

/** The entries served by one service, the platform's own routes included. */
export function entriesOf(service: HarbourService): AuthorizationEntry[] {
  return AUTHORIZATION_ENTRIES.filter(
    (entry) => entry.service === service || entry.service === 'every',
  );
}
