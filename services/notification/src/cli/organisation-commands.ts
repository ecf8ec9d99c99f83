import { randomUUID } from 'node:crypto';
import type { DirectoryEntry } from '../directory/directory-repository';
import {
  parseAgeGroups,
  parseBoroughs,
  parseDutyHours,
  parseKind,
  parseLanguages,
  parseName,
  parseSpecialisms,
  parseUuid,
} from './cli-arguments';
import { type CliContext, cliAudit } from './cli-context';
import { CliError } from './cli-error';

export interface AddOrganisationInput {
  name: string;
  kind: string;
  boroughs: string[];
  id?: string;
  specialisms?: string[];
  languages?: string[];
  ageGroups?: string[];
  /** e.g. "Mon-Fri 09:00-17:30", London time. */
  dutyHours?: string;
}

export interface AddedOrganisation {
  organisation: DirectoryEntry;
  /** False when the same organisation (same id, name and kind) was already there. */
  created: boolean;
}

/**
 * Creates an organisation in the identity store (which owns its API keys) and in the directory
 * (which routes alerts to it), under one id. Identity first, then the directory, both
 * idempotent: if the second step fails, running the same command with `--id` completes it.
 */
export async function addOrganisation(
  context: CliContext,
  input: AddOrganisationInput,
): Promise<AddedOrganisation> {
  const name = parseName(input.name, '--name');
  const kind = parseKind(input.kind);
  const boroughs = parseBoroughs(input.boroughs);
  const specialisms = parseSpecialisms(input.specialisms ?? []);
  const languages = parseLanguages(input.languages ?? []);
  const id = input.id === undefined ? randomUUID() : parseUuid(input.id, '--id');
  const ageGroups = parseAgeGroups(input.ageGroups ?? []);
  const dutyHours = input.dutyHours === undefined ? null : parseDutyHours(input.dutyHours);

  const known = await context.identity.findOrganisation(id);
  if (known !== null && (known.name !== name || known.kind !== kind)) {
    throw new CliError(`organisation ${id} already exists as "${known.name}" (${known.kind})`);
  }
  const identityCreated = known === null;
  const audit = cliAudit('org add');
  if (identityCreated) {
    await context.identity.createOrganisation({ id, name, kind, boroughs }, audit);
  }
  const entry = await context.directory.addOrganisation(
    { id, name, kind, boroughs, specialisms, languages, ageGroups, dutyHours },
    undefined,
    audit,
  );
  return { organisation: entry.value, created: identityCreated || entry.created };
}

export interface OrganisationListing extends DirectoryEntry {
  contacts: string[];
}

/** The directory, with each organisation's contact addresses. */
export async function listOrganisations(context: CliContext): Promise<OrganisationListing[]> {
  const organisations = await context.directory.listOrganisations();
  const contacts = await context.directory.contactsOf(organisations.map((o) => o.id));
  return organisations.map((organisation) => ({
    ...organisation,
    contacts: contacts.filter((c) => c.organisationId === organisation.id).map((c) => c.address),
  }));
}
