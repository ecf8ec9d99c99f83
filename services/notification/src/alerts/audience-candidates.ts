import type { EntityManager } from 'typeorm';
import type {
  Contact,
  DirectoryEntry,
  DirectoryRepository,
} from '../directory/directory-repository';
import type { Audience } from '../domain/audience';

/** What routing an alert reads of the directory, read at once. */
export interface AudienceDirectory {
  /**
   * The organisations the audience may reach: every organisation of one of its roles (by name),
   * then the organisations it names by id that are not among them (whatever their kind, in the
   * order named). A named id not in the directory is simply not among them; `resolveAudience`
   * then decides who is reached.
   */
  candidates: DirectoryEntry[];
  /** The coordinators (by name): who is alerted when nobody else can be. */
  coordinators: DirectoryEntry[];
  /** The contacts of an organisation read with them, oldest first. */
  contactsOf(organisationId: string): readonly Contact[];
}

/**
 * The audience's candidates, the coordinators and all their contacts in one statement, in the
 * alert's transaction: the directory as it is now, never cached, so a partner added, moved or
 * removed is routed accordingly from the next alert on.
 */
export async function audienceDirectory(
  directory: DirectoryRepository,
  audience: Audience,
  manager: EntityManager,
): Promise<AudienceDirectory> {
  // A named-only audience reaches nobody its roles select: fetch just the named ones.
  const roles = audience.namedOnly === true ? [] : audience.roles;
  const named = audience.organisations ?? [];
  const found = await directory.organisationsWithContacts(
    [...new Set([...roles, 'coordinator' as const])],
    named,
    manager,
  );
  const byId = new Map(found.map((entry) => [entry.organisation.id, entry]));
  const candidates = found
    .map((entry) => entry.organisation)
    .filter((organisation) => roles.includes(organisation.kind));
  const known = new Set(candidates.map((organisation) => organisation.id));
  for (const id of named) {
    const entry = byId.get(id);
    if (entry === undefined || known.has(id)) continue;
    known.add(id);
    candidates.push(entry.organisation);
  }
  return {
    candidates,
    coordinators: found
      .map((entry) => entry.organisation)
      .filter((organisation) => organisation.kind === 'coordinator'),
    contactsOf: (organisationId) => byId.get(organisationId)?.contacts ?? [],
  };
}
