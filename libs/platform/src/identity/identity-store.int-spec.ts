import { assertTestDatabase, testDatabaseUrl, uniqueName } from '@harbour/testing';
import type { DataSource } from 'typeorm';
import { systemActor } from '../audit/audit-entry';
import { runMigrationsLocked } from '../database/run-migrations-locked';
import { createIdentityDataSource } from './identity-data-source';
import { IdentityStore } from './identity-store';

// Real Postgres on a shared, busy machine: the 5 s default is too tight for a fresh schema.
jest.setTimeout(60_000);

describe('IdentityStore against Postgres', () => {
  const schema = uniqueName('platform_identity');
  const lockName = `harbour:${schema}`;
  let dataSource: DataSource;
  let store: IdentityStore;

  beforeAll(() => {
    assertTestDatabase(testDatabaseUrl());
    dataSource = createIdentityDataSource(testDatabaseUrl(), schema);
    store = new IdentityStore(dataSource);
  });

  afterAll(async () => {
    if (dataSource.isInitialized) {
      await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dataSource.destroy();
    }
  });

  it('creates the schema and runs migrations from four services starting at once', async () => {
    const starters = [
      dataSource,
      ...[1, 2, 3].map(() => createIdentityDataSource(testDatabaseUrl(), schema)),
    ];
    try {
      await Promise.all(starters.map((starter) => runMigrationsLocked(starter, lockName)));
    } finally {
      await Promise.all(starters.slice(1).map((starter) => starter.destroy()));
    }

    const applied = await dataSource.query<{ name: string }[]>(
      `SELECT name FROM "${schema}".migrations ORDER BY id`,
    );
    expect(applied.map((row) => row.name)).toEqual([
      'CreateIdentityStore1764316800000',
      'IdentityAuditLog1765100000000',
      'PeopleAndSessions1766200000000',
    ]);
    const tables = await dataSource.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
      [schema],
    );
    expect(tables.map((row) => row.table_name)).toEqual([
      'api_key',
      'audit_chain_head',
      'audit_log',
      'migrations',
      'organisation',
      'person',
      'person_session',
      'sign_in_link',
    ]);

    // A later start finds nothing to do.
    await runMigrationsLocked(dataSource, lockName);
  });

  it('issues a key that authenticates, and rejects it once revoked', async () => {
    const organisation = await store.createOrganisation({
      name: 'Camden MASH',
      kind: 'local_authority',
      boroughs: ['E09000007'],
    });
    const issued = await store.issueApiKey({
      organisationId: organisation.id,
      roles: ['submit', 'read'],
      label: 'case system',
    });
    expect(issued.key).toMatch(/^hbr_[a-z0-9]{12}_[A-Za-z0-9_-]{43,}$/);
    expect(issued.key.startsWith(`hbr_${issued.prefix}_`)).toBe(true);

    expect(await store.authenticate(issued.key)).toEqual({
      organisationId: organisation.id,
      organisationName: 'Camden MASH',
      organisationKind: 'local_authority',
      boroughs: ['E09000007'],
      roles: ['submit', 'read'],
      keyId: issued.keyId,
    });

    const stored = await dataSource.query<{ secret_hash: string; last_used_at: Date | null }[]>(
      `SELECT secret_hash, last_used_at FROM "${schema}".api_key WHERE id = $1`,
      [issued.keyId],
    );
    const secret = issued.key.slice(`hbr_${issued.prefix}_`.length);
    expect(stored[0]?.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]?.secret_hash).not.toContain(secret);
    expect(stored[0]?.last_used_at).toBeInstanceOf(Date);

    const [listed] = await store.listApiKeys(organisation.id);
    expect(listed).toMatchObject({ id: issued.keyId, prefix: issued.prefix, revokedAt: null });
    expect(listed?.lastUsedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed).not.toHaveProperty('secretHash');

    expect(await store.revokeApiKey(issued.keyId)).toBe(true);
    expect(await store.revokeApiKey(issued.keyId)).toBe(false);
    expect(await store.authenticate(issued.key)).toBeNull();
    expect((await store.listApiKeys(organisation.id))[0]?.revokedAt).toBeInstanceOf(Date);
  });

  it('rejects an expired key but accepts one that expires later', async () => {
    const organisation = await store.createOrganisation({
      name: 'Hope NGO',
      kind: 'ngo',
      boroughs: ['pan_london'],
    });
    const expired = await store.issueApiKey({
      organisationId: organisation.id,
      roles: ['respond'],
      label: 'old',
      expiresAt: new Date(Date.now() - 1000),
    });
    const current = await store.issueApiKey({
      organisationId: organisation.id,
      roles: ['respond'],
      label: 'new',
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    expect(await store.authenticate(expired.key)).toBeNull();
    expect(await store.authenticate(current.key)).toMatchObject({ keyId: current.keyId });
  });

  it('rejects a wrong secret, an unknown prefix and garbage', async () => {
    const organisation = await store.createOrganisation({
      name: 'Met SC&O',
      kind: 'police_specialist',
      boroughs: ['pan_london'],
    });
    const issued = await store.issueApiKey({
      organisationId: organisation.id,
      roles: ['read'],
      label: 'analyst',
    });
    const secret = issued.key.slice(`hbr_${issued.prefix}_`.length);
    const flipped = (secret.startsWith('A') ? 'B' : 'A') + secret.slice(1);

    expect(await store.authenticate(`hbr_${issued.prefix}_${flipped}`)).toBeNull();
    expect(await store.authenticate(`hbr_zzzzzzzzzzzz_${secret}`)).toBeNull();
    expect(await store.authenticate('Bearer nonsense')).toBeNull();
    expect(await store.authenticate(issued.key)).not.toBeNull();
  });

  it('records last use at most once a minute', async () => {
    const organisation = await store.createOrganisation({
      name: 'Harbour coordinators',
      kind: 'coordinator',
      boroughs: ['pan_london'],
    });
    const issued = await store.issueApiKey({
      organisationId: organisation.id,
      roles: ['admin'],
      label: 'ops',
    });
    const lastUsed = async (): Promise<Date | null | undefined> =>
      (await store.listApiKeys(organisation.id))[0]?.lastUsedAt;

    await store.authenticate(issued.key);
    const first = await lastUsed();
    await store.authenticate(issued.key);
    expect(await lastUsed()).toEqual(first);

    await dataSource.query(
      `UPDATE "${schema}".api_key SET last_used_at = now() - interval '2 minutes' WHERE id = $1`,
      [issued.keyId],
    );
    const backdated = await lastUsed();
    await store.authenticate(issued.key);
    expect((await lastUsed())?.getTime()).toBeGreaterThan(backdated?.getTime() ?? Infinity);
  });

  it('finds organisations, and refuses bad kinds, boroughs and roles', async () => {
    const organisation = await store.createOrganisation({
      id: '5b0f4f5e-3d7e-4c1b-9d43-2f1e0a9c8b7d',
      name: 'Haven Housing',
      kind: 'housing_provider',
      boroughs: ['E09000001', 'E09000033'],
    });
    expect(await store.findOrganisation(organisation.id)).toEqual(organisation);
    expect(await store.findOrganisation('0b0f4f5e-3d7e-4c1b-9d43-2f1e0a9c8b7d')).toBeNull();
    expect(await store.findOrganisation('not-a-uuid')).toBeNull();

    await expect(
      store.createOrganisation({ name: 'X', kind: 'army' as 'ngo', boroughs: [] }),
    ).rejects.toThrow('unknown organisation kind "army"');
    await expect(
      store.createOrganisation({ name: 'X', kind: 'ngo', boroughs: ['Camden'] }),
    ).rejects.toThrow('"Camden" is neither');
    await expect(
      store.issueApiKey({
        organisationId: organisation.id,
        roles: ['root' as 'admin'],
        label: 'x',
      }),
    ).rejects.toThrow('unknown role "root"');
    await expect(
      store.issueApiKey({ organisationId: organisation.id, roles: [], label: 'x' }),
    ).rejects.toThrow('at least one role');
  });

  it('audits every key issued and revoked, with who asked, and nothing for a refused change', async () => {
    const organisation = await store.createOrganisation(
      { name: 'Southwark MASH', kind: 'local_authority', boroughs: ['E09000028'] },
      { actor: systemActor('cli'), reason: 'harbour org add' },
    );
    const coordinator = {
      type: 'api_key' as const,
      organisationId: '9d2c1a4e-7b3f-4e8a-a1c2-3d4e5f6a7b8c',
      organisationKind: 'coordinator',
      keyId: '1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6',
    };
    const issued = await store.issueApiKey(
      { organisationId: organisation.id, roles: ['read', 'read', 'submit'], label: 'case system' },
      { actor: coordinator, reason: 'harbour key issue' },
    );
    expect(await store.revokeApiKey(issued.keyId, { actor: coordinator, reason: 'leaked' })).toBe(
      true,
    );
    // Refused changes leave no entry: an unknown organisation, an already revoked key.
    const before = (await store.audit.page({ limit: 100 })).entries.length;
    await expect(
      store.issueApiKey({
        organisationId: '00000000-0000-4000-8000-000000000000',
        roles: ['read'],
        label: 'x',
      }),
    ).rejects.toThrow();
    expect(await store.revokeApiKey(issued.keyId)).toBe(false);
    const { entries } = await store.audit.page({ limit: 100 });
    expect(entries).toHaveLength(before);

    const ofThisTest = entries.filter(
      (e) => e.resource.id === organisation.id || e.resource.id === issued.keyId,
    );
    expect(
      ofThisTest.map((e) => [e.action, e.resource.kind, e.actor.type, e.reason]).reverse(),
    ).toEqual([
      ['identity.organisation.added', 'organisation', 'system', 'harbour org add'],
      ['key.issued', 'api_key', 'api_key', 'harbour key issue'],
      ['key.revoked', 'api_key', 'api_key', 'leaked'],
    ]);
    expect(ofThisTest[1]?.details).toEqual({
      organisationId: organisation.id,
      prefix: issued.prefix,
      roles: ['read', 'submit'],
      expiresAt: null,
    });
    expect(ofThisTest[0]?.actor).toEqual(coordinator);
    // No secret, no hash of it, no name in the log.
    const secret = issued.key.slice(`hbr_${issued.prefix}_`.length);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(secret);
    expect(text).not.toContain('Southwark MASH');

    expect(await store.audit.verify()).toMatchObject({ intact: true });
  });
  describe('rotation', () => {
    /** A clock the test moves; a second store on the same tables reads it. */
    let clock = new Date();
    let timed: IdentityStore;
    const HOUR = 3_600_000;

    beforeAll(() => {
      timed = new IdentityStore(dataSource, { now: () => clock });
    });

    beforeEach(() => {
      clock = new Date();
    });

    async function organisationWithKey(expiresAt?: Date) {
      const organisation = await timed.createOrganisation({
        name: uniqueName('Islington SPoC'),
        kind: 'police_borough',
        boroughs: ['E09000019'],
      });
      const old = await timed.issueApiKey({
        organisationId: organisation.id,
        roles: ['submit', 'read'],
        label: 'crime system',
        ...(expiresAt === undefined ? {} : { expiresAt }),
      });
      return { organisation, old };
    }

    it('issues a new key with the same organisation, roles and label; both work during the overlap, only the new one after', async () => {
      const { organisation, old } = await organisationWithKey();
      const rotated = await timed.rotateApiKey(old.keyId, { overlapHours: 2 });
      if (rotated === null) throw new Error('rotation refused');
      expect(rotated.key).not.toBe(old.key);
      expect(rotated.replacedKeyId).toBe(old.keyId);
      expect(rotated.replacedKeyExpiresAt).toEqual(new Date(clock.getTime() + 2 * HOUR));
      expect(rotated.expiresAt).toBeNull();
      const keys = await timed.listApiKeys(organisation.id);
      expect(keys.find((k) => k.id === rotated.keyId)).toMatchObject({
        roles: ['submit', 'read'],
        label: 'crime system',
        expiresAt: null,
        revokedAt: null,
      });

      clock = new Date(clock.getTime() + 2 * HOUR - 1000);
      expect(await timed.authenticate(old.key)).toMatchObject({ keyId: old.keyId });
      expect(await timed.authenticate(rotated.key)).toMatchObject({
        keyId: rotated.keyId,
        organisationId: organisation.id,
        roles: ['submit', 'read'],
      });

      clock = new Date(clock.getTime() + 1000);
      expect(await timed.authenticate(old.key)).toBeNull();
      expect(await timed.authenticate(rotated.key)).toMatchObject({ keyId: rotated.keyId });
      // Nothing is left to hand over from an expired key.
      expect(await timed.rotateApiKey(old.keyId)).toBeNull();
    });

    it('defaults to a 24-hour overlap, never lengthens a key about to expire, and keeps the key lifetime', async () => {
      const { old } = await organisationWithKey();
      const rotated = await timed.rotateApiKey(old.keyId);
      expect(rotated?.replacedKeyExpiresAt).toEqual(new Date(clock.getTime() + 24 * HOUR));

      const issuedAt = clock;
      const { old: shortLived } = await organisationWithKey(new Date(issuedAt.getTime() + HOUR));
      clock = new Date(issuedAt.getTime() + 10 * 60_000);
      const handedOver = await timed.rotateApiKey(shortLived.keyId, { overlapHours: 24 });
      expect(handedOver?.replacedKeyExpiresAt).toEqual(new Date(issuedAt.getTime() + HOUR));
      // The replacement gets the old key's one-hour lifetime from now (give or take the
      // database's rounding of created_at to the microsecond).
      const lifetime = (handedOver?.expiresAt?.getTime() ?? 0) - clock.getTime();
      expect(Math.abs(lifetime - HOUR)).toBeLessThan(60_000);
    });

    it('revocation during the overlap is still immediate', async () => {
      const { old } = await organisationWithKey();
      const rotated = await timed.rotateApiKey(old.keyId, { overlapHours: 24 });
      if (rotated === null) throw new Error('rotation refused');
      expect(await timed.revokeApiKey(old.keyId)).toBe(true);
      expect(await timed.authenticate(old.key)).toBeNull();
      expect(await timed.authenticate(rotated.key)).not.toBeNull();
      expect(await timed.revokeApiKey(rotated.keyId)).toBe(true);
      expect(await timed.authenticate(rotated.key)).toBeNull();
    });

    it('refuses revoked, unknown and malformed keys and overlaps out of bounds, auditing nothing', async () => {
      const { old } = await organisationWithKey();
      await timed.revokeApiKey(old.keyId);
      const before = (await timed.audit.page({ limit: 1 })).entries[0]?.seq;
      expect(await timed.rotateApiKey(old.keyId)).toBeNull();
      expect(await timed.rotateApiKey('00000000-0000-4000-8000-000000000000')).toBeNull();
      expect(await timed.rotateApiKey('not-a-uuid')).toBeNull();
      const { old: live } = await organisationWithKey();
      const afterSetUp = (await timed.audit.page({ limit: 1 })).entries[0]?.seq;
      await expect(timed.rotateApiKey(live.keyId, { overlapHours: 169 })).rejects.toThrow(
        'between 0 and 168 hours',
      );
      await expect(timed.rotateApiKey(live.keyId, { overlapHours: -1 })).rejects.toThrow(
        RangeError,
      );
      expect((await timed.audit.page({ limit: 1 })).entries[0]?.seq).toBe(afterSetUp);
      expect(afterSetUp).toBeGreaterThan(before ?? 0);
      expect(await timed.authenticate(live.key)).not.toBeNull();
    });

    it('audits the new key as issued and the old one as rotated, with who asked', async () => {
      const { organisation, old } = await organisationWithKey();
      const rotated = await timed.rotateApiKey(
        old.keyId,
        { overlapHours: 6 },
        { actor: systemActor('cli'), reason: 'harbour key rotate' },
      );
      if (rotated === null) throw new Error('rotation refused');
      const { entries } = await timed.audit.page({ limit: 20 });
      const issued = entries.find(
        (e) => e.action === 'key.issued' && e.resource.id === rotated.keyId,
      );
      const handedOver = entries.find(
        (e) => e.action === 'key.rotated' && e.resource.id === old.keyId,
      );
      expect(issued).toMatchObject({
        actor: { type: 'system', component: 'cli' },
        reason: 'harbour key rotate',
        details: {
          organisationId: organisation.id,
          prefix: rotated.prefix,
          roles: ['submit', 'read'],
          expiresAt: null,
          rotatedFrom: old.keyId,
        },
      });
      expect(handedOver).toMatchObject({
        reason: 'harbour key rotate',
        details: {
          organisationId: organisation.id,
          replacedBy: rotated.keyId,
          overlapHours: 6,
          expiresAt: rotated.replacedKeyExpiresAt.toISOString(),
        },
      });
      expect(JSON.stringify(entries)).not.toContain(rotated.key.slice(17));
      expect(await timed.audit.verify()).toMatchObject({ intact: true });
    });
  });
});
