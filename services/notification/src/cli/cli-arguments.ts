import { isLondonGss } from '@harbour/london';
import {
  isOrganisationKind,
  isRole,
  ORGANISATION_KINDS,
  type OrganisationKind,
  PAN_LONDON,
  type Role,
  ROLES,
} from '@harbour/platform';
import { type AgeGroup, type DutyHours, isAgeGroup } from '../domain/audience';
import { CliError } from './cli-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@<>()[\]",;:]+@[^\s@<>()[\]",;:]+\.[^\s@<>()[\]",;:]+$/;
const SPECIALISM = /^[a-z][a-z0-9_]{0,63}$/;
const LANGUAGE = /^[a-z]{2}$/;
const POSITION = /^(\d+):(\d+)$/;

/** Checks the value of `--<option>` is a UUID, e.g. an organisation or key id. */
export function parseUuid(value: string, what: string): string {
  const trimmed = value.trim();
  if (!UUID.test(trimmed)) throw new CliError(`${what} "${value}" is not a UUID`);
  return trimmed.toLowerCase();
}

export function parseKind(value: string): OrganisationKind {
  if (!isOrganisationKind(value)) {
    throw new CliError(`unknown kind "${value}": use one of ${ORGANISATION_KINDS.join(', ')}`);
  }
  return value;
}

/** London GSS codes (E09000001–E09000033), or `pan_london` alone. */
export function parseBoroughs(values: readonly string[]): string[] {
  if (values.length === 0)
    throw new CliError('give at least one --borough (a GSS code or pan_london)');
  const boroughs = [...new Set(values.map((v) => v.trim()))];
  for (const borough of boroughs) {
    if (borough !== PAN_LONDON && !isLondonGss(borough)) {
      throw new CliError(
        `"${borough}" is not a London borough: use a GSS code from E09000001 to E09000033, or pan_london`,
      );
    }
  }
  if (boroughs.includes(PAN_LONDON) && boroughs.length > 1) {
    throw new CliError('pan_london already covers every borough: give it alone');
  }
  return boroughs;
}

export function parseSpecialisms(values: readonly string[]): string[] {
  for (const value of values) {
    if (!SPECIALISM.test(value)) {
      throw new CliError(
        `specialism "${value}" must be lower-case letters, digits and _ (e.g. sex_work)`,
      );
    }
  }
  return [...new Set(values)];
}

export function parseLanguages(values: readonly string[]): string[] {
  for (const value of values) {
    if (!LANGUAGE.test(value)) {
      throw new CliError(
        `language "${value}" is not an ISO 639-1 code (two lower-case letters, e.g. ro)`,
      );
    }
  }
  return [...new Set(values)];
}

export function parseRoles(values: readonly string[]): Role[] {
  if (values.length === 0) throw new CliError(`give at least one --role (${ROLES.join(', ')})`);
  for (const value of values) {
    if (!isRole(value))
      throw new CliError(`unknown role "${value}": use one of ${ROLES.join(', ')}`);
  }
  return [...new Set(values as Role[])];
}

export function parseEmail(value: string): string {
  const trimmed = value.trim();
  if (!EMAIL.test(trimmed)) throw new CliError(`"${value}" is not an e-mail address`);
  return trimmed;
}

export function parseName(value: string, what: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw new CliError(`${what} must not be empty`);
  return trimmed;
}

export function parsePositiveInt(value: string, what: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CliError(`${what} must be a whole number of at least 1`);
  return n;
}

/** `<partition>:<offset>`, as `harbour dlq list` prints them. */
export function parsePosition(value: string): { partition: number; offset: string } {
  const match = POSITION.exec(value.trim());
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new CliError(`offset "${value}" must look like <partition>:<offset>, e.g. 0:42`);
  }
  return { partition: Number(match[1]), offset: match[2] };
}

export function parseAgeGroups(values: readonly string[]): AgeGroup[] {
  return [...new Set(values)].map((value) => {
    if (!isAgeGroup(value)) throw new CliError(`age group "${value}" must be child or adult`);
    return value;
  });
}

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DUTY_HOURS =
  /^([A-Za-z]{3})(?:-([A-Za-z]{3}))?\s+([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/** "Mon-Fri 09:00-17:30" or "Sat 10:00-14:00" → duty hours (London time; Monday = 1). */
export function parseDutyHours(value: string): DutyHours {
  const match = DUTY_HOURS.exec(value.trim());
  const first = DAY_NAMES.indexOf(match?.[1]?.toLowerCase() ?? '');
  const last = match?.[2] === undefined ? first : DAY_NAMES.indexOf(match[2].toLowerCase());
  if (!match || first < 0 || last < 0 || last < first) {
    throw new CliError(`duty hours "${value}" must look like "Mon-Fri 09:00-17:30" (London time)`);
  }
  const days = DAY_NAMES.slice(first, last + 1).map((_, i) => first + i + 1);
  return { days, from: `${match[3]}:${match[4]}`, to: `${match[5]}:${match[6]}` };
}
