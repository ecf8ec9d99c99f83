import type { EntityManager } from 'typeorm';
import type { DirectoryEntry, DirectoryRepository } from '../directory/directory-repository';
import type { Audience } from '../domain/audience';

/**
 * The directory organisations an audience may reach: every organisation of one of its roles, and
 * the organisations it names by id (whatever their kind). A named id not in the directory is
 * simply not among them; `resolveAudience` then decides who is reached.
 */
export async function audienceCandidates(
  directory: DirectoryRepository,
  audience: Audience,
  manager: EntityManager,
): Promise<DirectoryEntry[]> {
  // A named-only audience reaches nobody its roles select: fetch just the named ones.
  const candidates =
    audience.namedOnly === true
      ? []
      : await directory.organisationsOfKinds(audience.roles, manager);
  const known = new Set(candidates.map((organisation) => organisation.id));
  // At most 20 ids (the contract's limit), so one lookup each is cheap.
  for (const id of audience.organisations ?? []) {
    if (known.has(id)) continue;
    const named = await directory.findOrganisation(id, manager);
    if (named === null) continue;
    known.add(id);
    candidates.push(named);
  }
  return candidates;
}
