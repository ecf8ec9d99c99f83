import { ConfigError } from '../config/config-error';
import { dataKeyId, generateDataEncryptionKey } from '../crypto/data-keys';
import { FieldCipher } from '../crypto/field-cipher';
import { identityCipherOf, identityDataKeyIssues } from './identity-data-keys';

const idOf = (key: string) => dataKeyId(Buffer.from(key, 'base64'));

describe('the identity store keys (IDENTITY_DATA_KEY, _RETIRED_KEYS, _INDEX_KEY)', () => {
  const a = generateDataEncryptionKey();
  const b = generateDataEncryptionKey();

  it('refuses retired keys without the index key, naming the variables and never a key', () => {
    const config = { IDENTITY_DATA_KEY: b, IDENTITY_DATA_RETIRED_KEYS: [a] };
    const issues = identityDataKeyIssues(config);
    expect(issues.map((issue) => `${issue.variable}: ${issue.reason}`)).toEqual([
      'IDENTITY_DATA_INDEX_KEY: is required while IDENTITY_DATA_RETIRED_KEYS is set: set it to the key the blind indexes were made with (the first IDENTITY_DATA_KEY of this deployment)',
    ]);
    expect(() => identityCipherOf(config)).toThrow(ConfigError);
    const message = (() => {
      try {
        identityCipherOf(config);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('IDENTITY_DATA_INDEX_KEY');
    expect(message).not.toContain(a);
    expect(message).not.toContain(b);
  });

  it('names the identity variables for malformed, repeated and current-as-retired keys', () => {
    const issues = identityDataKeyIssues({
      IDENTITY_DATA_KEY: b,
      IDENTITY_DATA_RETIRED_KEYS: ['short', a, b, a],
      IDENTITY_DATA_INDEX_KEY: 'also-short',
    });
    expect(issues.map((issue) => `${issue.variable}: ${issue.reason}`)).toEqual([
      'IDENTITY_DATA_RETIRED_KEYS: entry 1 of 4 is not base64 of exactly 32 bytes',
      `IDENTITY_DATA_RETIRED_KEYS: entry 3 of 4 is the current IDENTITY_DATA_KEY (key id ${idOf(b)}); a key is either current or retired`,
      `IDENTITY_DATA_RETIRED_KEYS: entry 4 of 4 repeats entry 2 (key id ${idOf(a)}); list each key once`,
      'IDENTITY_DATA_INDEX_KEY: is not base64 of exactly 32 bytes',
    ]);
    expect(
      identityDataKeyIssues({ IDENTITY_DATA_KEY: 'x' }).map((issue) => issue.variable),
    ).toEqual(['IDENTITY_DATA_KEY']);
  });

  it('refuses retired or index keys without IDENTITY_DATA_KEY, and is silent with none at all', () => {
    expect(identityDataKeyIssues({})).toEqual([]);
    expect(identityCipherOf({})).toBeUndefined();
    expect(
      identityDataKeyIssues({ IDENTITY_DATA_RETIRED_KEYS: [a], IDENTITY_DATA_INDEX_KEY: a }).map(
        (issue) => `${issue.variable}: ${issue.reason}`,
      ),
    ).toEqual([
      'IDENTITY_DATA_RETIRED_KEYS: is set but IDENTITY_DATA_KEY is not',
      'IDENTITY_DATA_INDEX_KEY: is set but IDENTITY_DATA_KEY is not',
    ]);
  });

  it('during a rotation: writes under the new key, reads the old, and indexes with the pinned key', () => {
    const before = identityCipherOf({ IDENTITY_DATA_KEY: a })!;
    const during = identityCipherOf({
      IDENTITY_DATA_KEY: b,
      IDENTITY_DATA_RETIRED_KEYS: [a],
      IDENTITY_DATA_INDEX_KEY: a,
    })!;
    const old = before.encrypt('ana@camden.example', 'person.email');
    expect(during.decrypt(old, 'person.email')).toBe('ana@camden.example');
    expect(during.currentKeyId).toBe(idOf(b));
    expect(during.hasRetiredKeys).toBe(true);
    expect(during.describeKeys()).toEqual({
      current: idOf(b),
      retired: [idOf(a)],
      blindIndex: idOf(a),
    });
    expect(during.blindIndex('ana@camden.example', 'person.email')).toBe(
      before.blindIndex('ana@camden.example', 'person.email'),
    );
    // The same key set as a service's own, under other names: one cipher, no second copy.
    expect(during.blindIndex('x', 'p')).toBe(
      FieldCipher.fromConfig({
        DATA_ENCRYPTION_KEY: b,
        DATA_ENCRYPTION_RETIRED_KEYS: [a],
        DATA_INDEX_KEY: a,
      }).blindIndex('x', 'p'),
    );
  });
});
