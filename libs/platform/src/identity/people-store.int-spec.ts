import { assertTestDatabase, testDatabaseUrl, uniqueName } from '@harbour/testing';
import type { DataSource } from 'typeorm';
import { systemActor } from '../audit/audit-entry';
import { FieldCipher } from '../crypto/field-cipher';
import { generateDataEncryptionKey } from '../crypto/data-keys';
import { runMigrationsLocked } from '../database/run-migrations-locked';
import { createIdentityDataSource } from './identity-data-source';
import { IdentityStore } from './identity-store';
import { PeopleStore, SIGN_IN_LINKS_PER_WINDOW } from './people-store';

jest.setTimeout(60_000);

const MINUTE = 60_000;

describe('people, sign-in links and sessions against Postgres', () => {
  const schema = uniqueName('platform_people');
  let dataSource: DataSource;
  /** A clock the test moves; the stores read it. */
  let clock = new Date();
  let identity: IdentityStore;
  let people: PeopleStore;

  beforeAll(async () => {
    assertTestDatabase(testDatabaseUrl());
    dataSource = createIdentityDataSource(testDatabaseUrl(), schema);
    await runMigrationsLocked(dataSource, `harbour:${schema}`);
    identity = new IdentityStore(dataSource, { now: () => clock });
    people = new PeopleStore(dataSource, FieldCipher.fromBase64Key(generateDataEncryptionKey()), {
      now: () => clock,
    });
  });

  beforeEach(() => {
    clock = new Date();
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  async function personIn(kind: 'ngo' | 'coordinator' = 'ngo') {
    const organisation = await identity.createOrganisation({
      name: uniqueName('Hope NGO'),
      kind,
      boroughs: ['pan_london'],
    });
    const email = `${uniqueName('ana')}@hope.example`.replace(/_/g, '-');
    const person = await people.addPerson(
      { organisationId: organisation.id, email: ` ${email.toUpperCase()} `, roles: ['respond'] },
      { actor: systemActor('cli'), reason: 'harbour person add' },
    );
    return { organisation, person, email };
  }

  async function signedIn() {
    const { organisation, person, email } = await personIn();
    const link = await people.createSignInLink(email);
    if (link.kind !== 'created') throw new Error(`no link: ${link.kind}`);
    const session = await people.signIn(link.token, { idleMinutes: 30, absoluteMinutes: 120 });
    if (session === null) throw new Error('sign-in refused');
    return { organisation, person, email, session };
  }

  it('stores the address encrypted and blind-indexed, lower-cased, never in plain text', async () => {
    const { organisation, person, email } = await personIn();
    expect(person).toMatchObject({ organisationId: organisation.id, email, roles: ['respond'] });
    const raw = await dataSource.query<Record<string, unknown>[]>(
      `SELECT * FROM "${schema}".person WHERE id = $1`,
      [person.id],
    );
    expect(JSON.stringify(raw)).not.toContain(email);
    expect(JSON.stringify(raw)).not.toContain(email.split('@')[0]);
    expect(await people.findByEmail(email.toUpperCase())).toMatchObject({ id: person.id });
    await expect(
      people.addPerson({ organisationId: organisation.id, email, roles: ['read'] }),
    ).rejects.toThrow('exists already');
    await expect(
      people.addPerson({ organisationId: organisation.id, email: 'not-mail', roles: ['read'] }),
    ).rejects.toThrow('not an e-mail address');
    await expect(
      people.addPerson({
        organisationId: organisation.id,
        email: 'x@y.example',
        roles: ['root' as 'read'],
      }),
    ).rejects.toThrow('unknown role');
  });

  it('a link signs in once; the session authenticates as a principal of the organisation', async () => {
    const { organisation, person, email } = await personIn();
    const link = await people.createSignInLink(email);
    if (link.kind !== 'created') throw new Error('no link');
    expect(link.token).toMatch(/^hbl_[A-Za-z0-9_-]{43}$/);
    const stored = await dataSource.query<{ token_hash: string }[]>(
      `SELECT token_hash FROM "${schema}".sign_in_link WHERE person_id = $1`,
      [person.id],
    );
    expect(stored[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(link.token.slice(4));

    const session = await people.signIn(link.token);
    expect(session?.token).toMatch(/^hbs_[A-Za-z0-9_-]{43}$/);
    expect(await people.signIn(link.token)).toBeNull();
    expect(await identity.authenticate(session!.token)).toEqual({
      organisationId: organisation.id,
      organisationName: organisation.name,
      organisationKind: 'ngo',
      boroughs: ['pan_london'],
      roles: ['respond'],
      keyId: session!.sessionId,
      personId: person.id,
    });
    expect(await identity.authenticate(`${session!.token.slice(0, -1)}A`)).toBeNull();
  });

  it('refuses an unknown address, an expired link and a flood of links', async () => {
    expect(await people.createSignInLink('nobody@nowhere.example')).toEqual({ kind: 'unknown' });
    expect(await people.createSignInLink('not an address')).toEqual({ kind: 'unknown' });
    const { email } = await personIn();
    const link = await people.createSignInLink(email);
    if (link.kind !== 'created') throw new Error('no link');
    clock = new Date(clock.getTime() + 15 * MINUTE);
    expect(await people.signIn(link.token)).toBeNull();

    clock = new Date(clock.getTime() + 16 * MINUTE);
    for (let i = 0; i < SIGN_IN_LINKS_PER_WINDOW; i += 1) {
      expect((await people.createSignInLink(email)).kind).toBe('created');
    }
    expect(await people.createSignInLink(email)).toEqual({ kind: 'too-many' });
  });

  it('a session dies when idle, lives on while used, and never past its absolute expiry', async () => {
    const { session } = await signedIn();
    const start = clock.getTime();
    clock = new Date(start + 29 * MINUTE);
    expect(await identity.authenticate(session.token)).not.toBeNull();
    // Used at 29 minutes: idle until 59.
    clock = new Date(start + 58 * MINUTE);
    expect(await identity.authenticate(session.token)).not.toBeNull();
    clock = new Date(start + 119 * MINUTE);
    expect(await identity.authenticate(session.token)).toBeNull();

    const { session: used } = await signedIn();
    const begun = clock.getTime();
    for (let minute = 25; minute < 120; minute += 25) {
      clock = new Date(begun + minute * MINUTE);
      expect(await identity.authenticate(used.token)).not.toBeNull();
    }
    clock = new Date(begun + 120 * MINUTE);
    expect(await identity.authenticate(used.token)).toBeNull();
  });

  it('signs out one session, or everywhere; removing a person ends every session', async () => {
    const { email, person, session } = await signedIn();
    const second = await people.createSignInLink(email);
    if (second.kind !== 'created') throw new Error('no link');
    const other = await people.signIn(second.token);
    expect(await people.signOut(session.token)).toBe(1);
    expect(await identity.authenticate(session.token)).toBeNull();
    expect(await identity.authenticate(other!.token)).not.toBeNull();
    expect(await people.signOut(session.token)).toBe(0);

    const third = await people.createSignInLink(email);
    if (third.kind !== 'created') throw new Error('no link');
    const another = await people.signIn(third.token);
    expect(await people.signOut(other!.token, { everywhere: true })).toBe(2);
    expect(await identity.authenticate(another!.token)).toBeNull();

    const fourth = await people.createSignInLink(email);
    if (fourth.kind !== 'created') throw new Error('no link');
    const last = await people.signIn(fourth.token);
    const unused = await people.createSignInLink(email);
    expect(await people.removePerson(person.id)).toBe(true);
    expect(await people.removePerson(person.id)).toBe(false);
    expect(await identity.authenticate(last!.token)).toBeNull();
    if (unused.kind === 'created') expect(await people.signIn(unused.token)).toBeNull();
    expect(await people.createSignInLink(email)).toEqual({ kind: 'unknown' });
  });

  it('audits people added and removed, sign-ins and sign-outs, without an address or a token', async () => {
    const { email, person, session } = await signedIn();
    await people.signOut(session.token, { everywhere: true });
    await people.removePerson(person.id, {
      actor: systemActor('cli'),
      reason: 'harbour person remove',
    });
    const { entries } = await people.audit.page({ limit: 200 });
    const mine = entries.filter((e) => e.resource.id === person.id).reverse();
    expect(mine.map((e) => [e.action, e.actor.type, e.reason])).toEqual([
      ['person.added', 'system', 'harbour person add'],
      ['person.signed_in', 'person', 'e-mailed sign-in link'],
      ['person.signed_out', 'person', 'sign out everywhere'],
      ['person.removed', 'system', 'harbour person remove'],
    ]);
    expect(mine[1]?.actor).toMatchObject({ personId: person.id, sessionId: session.sessionId });
    const text = JSON.stringify(entries);
    expect(text).not.toContain(email);
    expect(text).not.toContain(session.token);
    expect(await people.audit.verify()).toMatchObject({ intact: true });
  });
});
