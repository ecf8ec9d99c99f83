import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Role } from '@harbour/platform';
import { PAN_LONDON } from '../domain/audience';
import { type CliContext, cliAudit } from './cli-context';
import {
  DEMO_COORDINATOR,
  DEMO_UKVI,
  demoDirectory,
  demoOrganisationId,
  type DemoOrganisation,
} from './demo-directory';

const SEED_AUDIT = cliAudit('seed demo');

/** Where `harbour seed demo` writes the demo API keys unless told otherwise. */
export const DEFAULT_KEYS_FILE = '.run/demo-keys.json';

/** Label of the keys the demo seed issues; a re-run revokes the earlier ones. */
export const DEMO_KEY_LABEL = 'demo key (harbour seed demo)';

const CAMDEN = 'E09000007';

export interface DemoKey {
  organisationId: string;
  organisationName: string;
  roles: Role[];
  keyId: string;
  key: string;
}

/** The keys file: the only place the demo keys' secrets are written. */
export interface DemoKeysFile {
  generatedAt: string;
  note: string;
  keys: {
    /** Camden police SPoC: posts missing-person reports and operations. */
    camdenPoliceSubmit: DemoKey;
    /** Camden children's services: refers children, records return home interviews. */
    camdenCouncilSubmit: DemoKey;
    /** UKVI immigration enforcement (pan-London): plans welfare visits. */
    ukviSubmit: DemoKey;
    /** The men's move-on house (housing provider): registers beds, answers bed offers. */
    mensSafeHouseSubmit: DemoKey;
    /** The coordinator: reads who got which alert. */
    coordinatorAdmin: DemoKey;
  };
}

export interface SeedSummary {
  organisations: { created: number; existing: number };
  contacts: { created: number; existing: number };
  revokedKeys: number;
  /** Console people added now and already there; null without `IDENTITY_DATA_KEY`. */
  people: { created: number; existing: number; emails: string[] } | null;
  keysFile: string;
  keys: DemoKeysFile['keys'];
}

/**
 * Seeds the demo London directory (idempotent: ids are deterministic and every insert tolerates
 * the row being there), then issues fresh demo keys — revoking the previous demo keys — and
 * writes them to `keysFile` with mode 0600.
 */
export async function seedDemo(
  context: CliContext,
  options: { keysFile?: string; now?: Date } = {},
): Promise<SeedSummary> {
  const keysFile = options.keysFile ?? DEFAULT_KEYS_FILE;
  const organisations = { created: 0, existing: 0 };
  const contacts = { created: 0, existing: 0 };
  for (const demo of demoDirectory()) {
    const created = await ensureOrganisation(context, demo);
    organisations[created ? 'created' : 'existing'] += 1;
    const contact = await context.directory.addContact(
      { organisationId: demo.id, channel: 'email', address: demo.email, label: 'demo inbox' },
      undefined,
      SEED_AUDIT,
    );
    contacts[contact.created ? 'created' : 'existing'] += 1;
  }

  const camdenPolice = demoOrganisationId(CAMDEN, 'police_borough');
  const camdenCouncil = demoOrganisationId(CAMDEN, 'local_authority');
  let revokedKeys = 0;
  const ukvi = DEMO_UKVI.id;
  const mensSafeHouse = demoOrganisationId(`${PAN_LONDON}:mens-safe-house`, 'housing_provider');
  for (const organisationId of [
    camdenPolice,
    camdenCouncil,
    ukvi,
    mensSafeHouse,
    DEMO_COORDINATOR.id,
  ]) {
    for (const key of await context.identity.listApiKeys(organisationId)) {
      if (key.label === DEMO_KEY_LABEL && key.revokedAt === null) {
        if (await context.identity.revokeApiKey(key.id, SEED_AUDIT)) revokedKeys += 1;
      }
    }
  }
  const keys: DemoKeysFile['keys'] = {
    camdenPoliceSubmit: await issueDemoKey(context, camdenPolice, ['submit']),
    camdenCouncilSubmit: await issueDemoKey(context, camdenCouncil, ['submit']),
    ukviSubmit: await issueDemoKey(context, ukvi, ['submit']),
    mensSafeHouseSubmit: await issueDemoKey(context, mensSafeHouse, ['submit']),
    coordinatorAdmin: await issueDemoKey(context, DEMO_COORDINATOR.id, ['admin']),
  };
  const people = context.people === undefined ? null : await ensureDemoPeople(context);
  const file: DemoKeysFile = {
    generatedAt: (options.now ?? new Date()).toISOString(),
    note: 'Demo API keys, written nowhere else. Re-running "harbour seed demo" revokes them and issues new ones.',
    keys,
  };
  await mkdir(dirname(keysFile), { recursive: true });
  await writeFile(keysFile, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created; an existing file keeps its mode otherwise.
  await chmod(keysFile, 0o600);
  return { organisations, contacts, revokedKeys, people, keysFile, keys };
}

/**
 * One console user each for the Camden council, the men's safe house and the coordinator, at
 * their organisation's demo inbox: sign in at the console with that address and read the link
 * in the SMTP inbox.
 */
async function ensureDemoPeople(
  context: CliContext,
): Promise<{ created: number; existing: number; emails: string[] }> {
  const people = context.people;
  if (people === undefined) return { created: 0, existing: 0, emails: [] };
  const wanted: { id: string; roles: Role[] }[] = [
    { id: demoOrganisationId(CAMDEN, 'local_authority'), roles: ['submit', 'respond', 'read'] },
    {
      id: demoOrganisationId(`${PAN_LONDON}:mens-safe-house`, 'housing_provider'),
      roles: ['submit', 'respond', 'read'],
    },
    { id: DEMO_COORDINATOR.id, roles: ['admin', 'read', 'submit'] },
  ];
  const counts = { created: 0, existing: 0, emails: [] as string[] };
  const directory = demoDirectory();
  for (const { id, roles } of wanted) {
    const email = directory.find((demo) => demo.id === id)?.email;
    if (email === undefined) continue;
    counts.emails.push(email);
    if ((await people.findByEmail(email)) !== null) {
      counts.existing += 1;
      continue;
    }
    await people.addPerson({ organisationId: id, email, roles }, SEED_AUDIT);
    counts.created += 1;
  }
  return counts;
}

async function ensureOrganisation(context: CliContext, demo: DemoOrganisation): Promise<boolean> {
  let created = false;
  if ((await context.identity.findOrganisation(demo.id)) === null) {
    await context.identity.createOrganisation(
      { id: demo.id, name: demo.name, kind: demo.kind, boroughs: demo.boroughs },
      SEED_AUDIT,
    );
    created = true;
  }
  const entry = await context.directory.addOrganisation(
    {
      id: demo.id,
      name: demo.name,
      kind: demo.kind,
      boroughs: demo.boroughs,
      specialisms: demo.specialisms ?? [],
      languages: demo.languages ?? [],
      ageGroups: demo.ageGroups ?? [],
    },
    undefined,
    SEED_AUDIT,
  );
  return created || entry.created;
}

async function issueDemoKey(
  context: CliContext,
  organisationId: string,
  roles: Role[],
): Promise<DemoKey> {
  const organisation = await context.identity.findOrganisation(organisationId);
  if (organisation === null) throw new Error(`demo organisation ${organisationId} is missing`);
  const issued = await context.identity.issueApiKey(
    { organisationId, roles, label: DEMO_KEY_LABEL },
    SEED_AUDIT,
  );
  return {
    organisationId,
    organisationName: organisation.name,
    roles,
    keyId: issued.keyId,
    key: issued.key,
  };
}
