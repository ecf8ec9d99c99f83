import type {
  ExpectedPeople,
  ExploitationType,
  OperationDetails,
  OperationKind,
  OrganisationRef,
  PremisesKind,
} from '@harbour/contracts';
import { authorityByGss } from '@harbour/london';
import type { SummaryLine } from './alert-decision';
import { formatLondonDate } from './london-date';

/** The notice-level part of a plan: what may go to every partner told about the operation. */
export type OperationNoticeDetails = Omit<OperationDetails, 'operational'>;

/**
 * What the operation rules know of a plan. `startsAt` decides timing (short notice, the release
 * of the operational detail, the displacement watch) and is never shown in a notice; the address
 * and the lead contact are not here at all.
 */
export interface OperationState {
  operationId: string;
  planner: OrganisationRef;
  notice: OperationNoticeDetails;
  startsAt: string;
}

const KIND_LABELS: Record<OperationKind, string> = {
  raid: 'raid',
  warrant: 'warrant',
  premises_visit: 'premises visit',
  welfare_visit: 'welfare visit',
  immigration_enforcement: 'immigration enforcement visit',
  labour_inspection: 'labour inspection',
};

const PREMISES_LABELS: Record<PremisesKind, string> = {
  brothel: 'brothel',
  massage_parlour: 'massage parlour',
  cannabis_farm: 'cannabis farm',
  car_wash: 'car wash',
  nail_bar: 'nail bar',
  house_in_multiple_occupation: 'house in multiple occupation',
  private_household: 'private household',
  restaurant: 'restaurant',
  factory_or_warehouse: 'factory or warehouse',
  construction_site: 'construction site',
  street: 'street',
  other: 'other premises',
};

const EXPLOITATION_LABELS: Record<ExploitationType, string> = {
  sexual: 'sexual',
  labour: 'labour',
  domestic_servitude: 'domestic servitude',
  criminal: 'criminal',
  organ_harvesting: 'organ harvesting',
  unknown: 'unknown',
};

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language' });

export function operationKindLabel(kind: OperationKind): string {
  return KIND_LABELS[kind];
}

export function premisesLabel(kind: PremisesKind): string {
  return PREMISES_LABELS[kind];
}

export function boroughName(gss: string): string {
  return authorityByGss(gss)?.name ?? gss;
}

/** An operation planned by an immigration organisation is a UKVI one, whatever its kind. */
export function isUkviOperation(state: OperationState): boolean {
  return state.planner.organisationKind === 'immigration';
}

/** `raid — brothel — Newham`, or `UKVI welfare visit — private household — Westminster`. */
export function operationHeading(state: OperationState): string {
  const { kind, premisesKind, borough } = state.notice;
  const ukvi = isUkviOperation(state) ? 'UKVI ' : '';
  return `${ukvi}${operationKindLabel(kind)} — ${premisesLabel(premisesKind)} — ${boroughName(borough)}`;
}

/** `Albanian (sq), Romanian (ro)`: names partners read, with the ISO 639-1 code they filter on. */
export function describeLanguages(codes: readonly string[]): string {
  return codes
    .map((code) => {
      const name = LANGUAGE_NAMES.of(code);
      return name === undefined || name === code ? code : `${name} (${code})`;
    })
    .join(', ');
}

function londonDay(at: number): string {
  // `Sat, 5 Dec 2026` → `Sat 5 Dec 2026`.
  return formatLondonDate(new Date(at)).replace(',', '');
}

/**
 * The London days of the start window, never a time: `Sat 5 Dec 2026`, or
 * `Sat 5 Dec 2026 – Sun 6 Dec 2026`. An end exactly at midnight closes the day before.
 */
export function describeDateWindow(window: { from: string; to: string }): string {
  const from = Date.parse(window.from);
  const to = Math.max(from, Date.parse(window.to) - 1);
  const first = londonDay(from);
  const last = londonDay(to);
  return first === last ? first : `${first} – ${last}`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `3 women, 2 men, 1 child` — only the counts the planner gave. */
export function describeGenders(people: ExpectedPeople): string {
  const parts = [
    ...(people.women !== undefined ? [count(people.women, 'woman', 'women')] : []),
    ...(people.men !== undefined ? [count(people.men, 'man', 'men')] : []),
    ...(people.children !== undefined ? [count(people.children, 'child', 'children')] : []),
  ];
  return parts.length === 0 ? 'not broken down' : parts.join(', ');
}

export function describeExpectedPeople(people: ExpectedPeople): string {
  const breakdown = describeGenders(people);
  return breakdown === 'not broken down'
    ? `${people.total} in total`
    : `${people.total} in total: ${breakdown}`;
}

export function describeExploitationTypes(types: readonly ExploitationType[]): string {
  return types.length === 0 ? 'not known' : types.map((t) => EXPLOITATION_LABELS[t]).join(', ');
}

/** What partners may need to bring, read from the plan. */
export function operationNeeds(notice: OperationNoticeDetails): string[] {
  const { expectedLanguages, expectedPeople, childrenLikely } = notice;
  return [
    ...(expectedLanguages.length > 0
      ? [`interpreters: ${describeLanguages(expectedLanguages)}`]
      : []),
    ...(expectedPeople.total > 0
      ? [`beds for up to ${expectedPeople.total} (${describeGenders(expectedPeople)})`]
      : []),
    ...(childrenLikely ? ["children's services"] : []),
  ];
}

const PLANNER_LABELS: Partial<Record<OrganisationRef['organisationKind'], string>> = {
  police_borough: 'borough police',
  police_specialist: 'specialist police unit',
  immigration: 'UKVI / Immigration Enforcement',
};

/**
 * The notice every operation alert carries: borough, London date window, kinds, expected people
 * and needs. Never the address, postcode, exact time or lead contact.
 */
export function noticeLines(state: OperationState): SummaryLine[] {
  const { notice } = state;
  const needs = operationNeeds(notice);
  return [
    { label: 'Borough', value: boroughName(notice.borough) },
    { label: 'Date window', value: describeDateWindow(notice.startWindow) },
    { label: 'Operation', value: operationKindLabel(notice.kind) },
    {
      label: 'Planned by',
      value: PLANNER_LABELS[state.planner.organisationKind] ?? state.planner.organisationKind,
    },
    { label: 'Premises', value: premisesLabel(notice.premisesKind) },
    { label: 'Expected people', value: describeExpectedPeople(notice.expectedPeople) },
    { label: 'Children likely', value: notice.childrenLikely ? 'yes' : 'no' },
    {
      label: 'Expected languages',
      value:
        notice.expectedLanguages.length === 0
          ? 'none given'
          : describeLanguages(notice.expectedLanguages),
    },
    { label: 'Exploitation types', value: describeExploitationTypes(notice.exploitationTypes) },
    { label: 'Needs', value: needs.length === 0 ? 'none identified' : needs.join('; ') },
    { label: 'Operation reference', value: state.operationId },
  ];
}
