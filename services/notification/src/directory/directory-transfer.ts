import { type IdentityStore, systemActor } from '@harbour/platform';
import type { DirectoryChangeAudit, DirectoryRepository } from './directory-repository';
import {
  fromOpenReferral,
  type ImportIssue,
  type OpenReferralDocument,
  shortened,
  toOpenReferral,
} from './open-referral';

/** The two stores a directory change touches: identity (keys) and the directory (routing). */
export interface DirectoryStores {
  identity: IdentityStore;
  directory: DirectoryRepository;
}

export async function exportDirectory(stores: DirectoryStores): Promise<OpenReferralDocument> {
  const organisations = await stores.directory.listOrganisations();
  const contacts = await stores.directory.contactsOf(organisations.map((o) => o.id));
  return toOpenReferral(organisations, contacts);
}

export type ImportOutcome =
  | {
      ok: true;
      organisations: { created: number; unchanged: number };
      contacts: { created: number; unchanged: number };
    }
  | { ok: false; issues: ImportIssue[] };

/** An import nobody attributed: callers with a principal pass `auditActorOf(principal)`. */
const IMPORT_BY_SERVICE: DirectoryChangeAudit = {
  actor: systemActor('notification'),
  reason: 'directory import',
};

/**
 * Imports an Open Referral–shaped document. It is checked whole first: with any problem nothing
 * is written. Each write is idempotent (same ids), so re-importing the same document changes
 * nothing and a run cut short is completed by running it again. Every organisation and contact
 * added is audited with `audit`'s actor, and the import itself with its counts.
 */
export async function importDirectory(
  stores: DirectoryStores,
  document: unknown,
  audit: DirectoryChangeAudit = IMPORT_BY_SERVICE,
): Promise<ImportOutcome> {
  const parsed = fromOpenReferral(document);
  if (!parsed.ok) return parsed;
  const clashes: ImportIssue[] = [];
  for (const [i, o] of parsed.organisations.entries()) {
    const known = await stores.identity.findOrganisation(o.id);
    if (known !== null && (known.name !== o.name || known.kind !== o.kind)) {
      clashes.push({
        pointer: `/organizations/${i}/id`,
        // The name as stored may be long: a refusal never quotes it whole.
        message: shortened(`already used by "${known.name}" (${known.kind})`),
      });
    }
  }
  if (clashes.length > 0) return { ok: false, issues: clashes };

  const counts = {
    organisations: { created: 0, unchanged: 0 },
    contacts: { created: 0, unchanged: 0 },
  };
  for (const o of parsed.organisations) {
    const known = await stores.identity.findOrganisation(o.id);
    if (known === null) {
      await stores.identity.createOrganisation(
        { id: o.id, name: o.name, kind: o.kind, boroughs: o.boroughs },
        audit,
      );
    }
    const entry = await stores.directory.addOrganisation(
      {
        id: o.id,
        name: o.name,
        kind: o.kind,
        boroughs: o.boroughs,
        specialisms: o.specialisms,
        languages: o.languages,
        ageGroups: o.ageGroups,
        dutyHours: o.dutyHours,
      },
      undefined,
      audit,
    );
    counts.organisations[known === null || entry.created ? 'created' : 'unchanged'] += 1;
    for (const c of o.contacts) {
      const added = await stores.directory.addContact(
        {
          organisationId: o.id,
          channel: c.channel,
          address: c.address,
          label: c.label,
          outOfHours: c.outOfHours,
          ...(c.secret ? { secret: c.secret } : {}),
        },
        undefined,
        audit,
      );
      counts.contacts[added.created ? 'created' : 'unchanged'] += 1;
    }
  }
  await stores.directory.auditImport(counts, audit);
  return { ok: true, ...counts };
}
