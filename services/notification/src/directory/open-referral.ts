import { authorityByGss } from '@harbour/london';
import type { OrganisationKind } from '@harbour/contracts';
import {
  parseBoroughs,
  parseEmail,
  parseKind,
  parseLanguages,
  parseName,
  parseSpecialisms,
  parseUuid,
} from '../cli/cli-arguments';
import { CliError } from '../cli/cli-error';
import { type AgeGroup, type DutyHours, isAgeGroup, PAN_LONDON } from '../domain/audience';
import type { Contact, DirectoryEntry } from './directory-repository';

/**
 * The partner directory in an Open Referral UK (HSDS)–shaped JSON document: organization →
 * service → service_areas / languages / contacts. What HSDS has no field for (the organisation's
 * Harbour kind, specialisms, age groups, duty hours, webhook contacts) travels in `x_harbour_*`
 * extension fields, as the standard allows. Webhook secrets are never exported.
 */
export interface OpenReferralDocument {
  profile: string;
  organizations: OpenReferralOrganization[];
}

export interface OpenReferralOrganization {
  id: string;
  name: string;
  x_harbour_kind: string;
  services: OpenReferralService[];
}

export interface OpenReferralService {
  id: string;
  name: string;
  status: 'active';
  service_areas: { id: string; name: string; extent_type: 'gss' | 'pan_london'; extent: string }[];
  languages: { id: string; code: string }[];
  contacts: OpenReferralContact[];
  x_harbour_specialisms: string[];
  x_harbour_age_groups: string[];
  x_harbour_duty_hours?: DutyHours | null;
}

export interface OpenReferralContact {
  id: string;
  name: string;
  email?: string;
  x_harbour_webhook_url?: string;
  /** Import only: the signing secret of a webhook contact. */
  x_harbour_webhook_secret?: string;
  x_harbour_out_of_hours?: boolean;
}

export const OPEN_REFERRAL_PROFILE =
  'https://openreferraluk.org/ (HSDS 3.0 shape, x_harbour_* extensions)';

export function toOpenReferral(
  organisations: readonly DirectoryEntry[],
  contacts: readonly Contact[],
): OpenReferralDocument {
  return {
    profile: OPEN_REFERRAL_PROFILE,
    organizations: organisations.map((o) => ({
      id: o.id,
      name: o.name,
      x_harbour_kind: o.kind,
      services: [
        {
          // One alerting service per organisation; it shares the organisation's id.
          id: o.id,
          name: `${o.name} — Harbour alerts`,
          status: 'active',
          service_areas: o.boroughs.map((b) => ({
            id: `${o.id}:${b}`,
            name: b === PAN_LONDON ? 'London (all boroughs)' : (authorityByGss(b)?.name ?? b),
            extent_type: b === PAN_LONDON ? 'pan_london' : 'gss',
            extent: b,
          })),
          languages: o.languages.map((code) => ({ id: `${o.id}:${code}`, code })),
          contacts: contacts
            .filter((c) => c.organisationId === o.id)
            .map((c) => ({
              id: c.id,
              name: c.label,
              ...(c.channel === 'email'
                ? { email: c.address }
                : { x_harbour_webhook_url: c.address }),
              x_harbour_out_of_hours: c.outOfHours,
            })),
          x_harbour_specialisms: [...o.specialisms],
          x_harbour_age_groups: [...(o.ageGroups ?? [])],
          x_harbour_duty_hours: o.dutyHours ?? null,
        },
      ],
    })),
  };
}

export interface ImportedOrganisation {
  id: string;
  name: string;
  kind: OrganisationKind;
  boroughs: string[];
  specialisms: string[];
  languages: string[];
  ageGroups: AgeGroup[];
  dutyHours: DutyHours | null;
  contacts: {
    channel: 'email' | 'webhook';
    address: string;
    label: string;
    secret?: string;
    outOfHours: boolean;
  }[];
}

export interface ImportIssue {
  pointer: string;
  message: string;
}

export type ImportParse =
  { ok: true; organisations: ImportedOrganisation[] } | { ok: false; issues: ImportIssue[] };

const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/=]{24,}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** Longest message of an issue: a refusal must not quote a huge bad value back in full. */
const MAX_ISSUE_MESSAGE = 200;
export const shortened = (message: string): string =>
  message.length <= MAX_ISSUE_MESSAGE ? message : `${message.slice(0, MAX_ISSUE_MESSAGE)}…`;
const asString = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Reads an Open Referral–shaped document. Every problem is reported with a JSON pointer, and a
 * document with any problem imports nothing (the caller writes only `ok` results).
 */
export function fromOpenReferral(document: unknown): ImportParse {
  const issues: ImportIssue[] = [];
  const at = <T>(pointer: string, parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      issues.push({ pointer, message: shortened(error.message) });
      return undefined;
    }
  };
  // A list that is absent is empty (contacts must be there, even if empty); one of another type
  // is a mistake, not an empty list (a partner imported with `contacts: "duty@…"` would be
  // reachable by nobody).
  const listAt = (pointer: string, value: unknown, required = false): unknown[] => {
    if (value === undefined && !required) return [];
    if (Array.isArray(value)) return value;
    issues.push({ pointer, message: 'must be an array' });
    return [];
  };
  if (!isRecord(document) || !Array.isArray(document.organizations)) {
    return { ok: false, issues: [{ pointer: '/organizations', message: 'must be an array' }] };
  }
  const organisations: ImportedOrganisation[] = [];
  const seen = new Set<string>();
  document.organizations.forEach((raw, i) => {
    const p = `/organizations/${i}`;
    if (!isRecord(raw)) {
      issues.push({ pointer: p, message: 'must be an object' });
      return;
    }
    const id = at(`${p}/id`, () => parseUuid(asString(raw.id), 'id').toLowerCase());
    if (id !== undefined && seen.has(id))
      issues.push({ pointer: `${p}/id`, message: 'appears twice' });
    if (id !== undefined) seen.add(id);
    const name = at(`${p}/name`, () => parseName(asString(raw.name), 'name'));
    const kind = at(`${p}/x_harbour_kind`, () => parseKind(asString(raw.x_harbour_kind)));
    const services = listAt(`${p}/services`, raw.services);
    if (services.length !== 1 || !isRecord(services[0])) {
      issues.push({
        pointer: `${p}/services`,
        message: 'must hold exactly one service (its alerting service)',
      });
      return;
    }
    const service = services[0];
    const sp = `${p}/services/0`;
    const boroughs = at(`${sp}/service_areas`, () =>
      parseBoroughs(
        listAt(`${sp}/service_areas`, service.service_areas).map((a) =>
          isRecord(a) ? asString(a.extent) : '',
        ),
      ),
    );
    const languages = at(`${sp}/languages`, () =>
      parseLanguages(
        listAt(`${sp}/languages`, service.languages).map((l) =>
          isRecord(l) ? asString(l.code) : '',
        ),
      ),
    );
    const specialisms = at(`${sp}/x_harbour_specialisms`, () =>
      parseSpecialisms(
        listAt(`${sp}/x_harbour_specialisms`, service.x_harbour_specialisms).map(asString),
      ),
    );
    const ageGroups: AgeGroup[] = [];
    listAt(`${sp}/x_harbour_age_groups`, service.x_harbour_age_groups).forEach((g, j) => {
      if (typeof g === 'string' && isAgeGroup(g)) ageGroups.push(g);
      else
        issues.push({
          pointer: `${sp}/x_harbour_age_groups/${j}`,
          message: 'must be "child" or "adult"',
        });
    });
    const dutyHours = parseDutyHours(
      service.x_harbour_duty_hours,
      `${sp}/x_harbour_duty_hours`,
      issues,
    );
    const contacts: ImportedOrganisation['contacts'] = [];
    listAt(`${sp}/contacts`, service.contacts, true).forEach((c, j) => {
      const cp = `${sp}/contacts/${j}`;
      if (!isRecord(c)) {
        issues.push({ pointer: cp, message: 'must be an object' });
        return;
      }
      const label = asString(c.name);
      const outOfHours = c.x_harbour_out_of_hours === true;
      if (typeof c.email === 'string') {
        const address = at(`${cp}/email`, () => parseEmail(asString(c.email)));
        if (address !== undefined) contacts.push({ channel: 'email', address, label, outOfHours });
      } else if (typeof c.x_harbour_webhook_url === 'string') {
        const url = c.x_harbour_webhook_url;
        if (!isAcceptableWebhookUrl(url)) {
          issues.push({
            pointer: `${cp}/x_harbour_webhook_url`,
            message: 'must be an https URL without credentials',
          });
        }
        const secret = asString(c.x_harbour_webhook_secret);
        if (!WEBHOOK_SECRET.test(secret)) {
          issues.push({
            pointer: `${cp}/x_harbour_webhook_secret`,
            message: 'a webhook contact needs its whsec_… signing secret',
          });
        }
        contacts.push({ channel: 'webhook', address: url, label, secret, outOfHours });
      } else {
        issues.push({ pointer: cp, message: 'needs an email or an x_harbour_webhook_url' });
      }
    });
    if (id && name && kind && boroughs && languages && specialisms) {
      organisations.push({
        id,
        name,
        kind,
        boroughs,
        specialisms,
        languages,
        ageGroups,
        dutyHours,
        contacts,
      });
    }
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, organisations };
}

/** https only; plain http is allowed to loopback, for partners' local test receivers. */
export function isAcceptableWebhookUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function parseDutyHours(value: unknown, pointer: string, issues: ImportIssue[]): DutyHours | null {
  if (value === undefined || value === null) return null;
  if (
    isRecord(value) &&
    Array.isArray(value.days) &&
    value.days.length > 0 &&
    value.days.every((d) => Number.isInteger(d) && (d as number) >= 1 && (d as number) <= 7) &&
    TIME.test(asString(value.from)) &&
    TIME.test(asString(value.to))
  ) {
    return { days: value.days as number[], from: asString(value.from), to: asString(value.to) };
  }
  issues.push({
    pointer,
    message: 'must be { days: [1-7…], from: "HH:MM", to: "HH:MM" } (London time)',
  });
  return null;
}
