import { createCipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { ConfigError } from '../config';
import {
  dataEncryptionConfigIssues,
  type DataKey,
  type DataKeyProvider,
  dataKeyId,
  generateDataEncryptionKey,
} from './data-keys';
import { FieldCipher, FieldDecryptionError } from './field-cipher';

/** A token exactly as the pre-rotation cipher wrote it: `v1.<iv>.<tag>.<ct>`, no key id. */
function legacyV1Token(base64Key: string, plaintext: string, context: string): string {
  const master = Buffer.from(base64Key, 'base64');
  const key = Buffer.from(
    hkdfSync('sha256', master, Buffer.alloc(0), 'harbour field encryption', 32),
  );
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** A blind index exactly as the pre-rotation cipher made it from its one key. */
function legacyBlindIndex(base64Key: string, value: string, purpose: string): string {
  const master = Buffer.from(base64Key, 'base64');
  const key = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'harbour blind index', 32));
  return createHmac('sha256', key).update(purpose).update('\u0000').update(value).digest('hex');
}

describe('FieldCipher', () => {
  const key = generateDataEncryptionKey();
  const cipher = FieldCipher.fromBase64Key(key);

  it('round-trips text and JSON, and never stores the plaintext', () => {
    const token = cipher.encrypt('Amira Hoxha', 'referral_case.personal');
    expect(token).not.toContain('Amira');
    expect(cipher.decrypt(token, 'referral_case.personal')).toBe('Amira Hoxha');
    const json = cipher.encryptJson({ givenName: 'Amira', aliases: ['A'] }, 'ctx');
    expect(cipher.decryptJson(json, 'ctx')).toEqual({ givenName: 'Amira', aliases: ['A'] });
  });

  it('writes v2 tokens naming the key id: 8 bytes of HMAC(key, "harbour key id"), base64url', () => {
    const token = cipher.encrypt('x', 'c');
    const parts = token.split('.');
    expect(parts).toHaveLength(5);
    expect(parts[0]).toBe('v2');
    expect(parts[1]).toBe(dataKeyId(Buffer.from(key, 'base64')));
    expect(parts[1]).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(cipher.currentKeyId).toBe(parts[1]);
    expect(token.startsWith(cipher.currentTokenPrefix)).toBe(true);
  });

  it('gives a different ciphertext each time (random IV)', () => {
    expect(cipher.encrypt('same', 'c')).not.toBe(cipher.encrypt('same', 'c'));
  });

  it('refuses another context, another key and a tampered value', () => {
    const token = cipher.encrypt('secret', 'table.a');
    expect(() => cipher.decrypt(token, 'table.b')).toThrow(FieldDecryptionError);
    const other = FieldCipher.fromBase64Key(generateDataEncryptionKey());
    expect(() => other.decrypt(token, 'table.a')).toThrow(/key .* is not configured/);
    const parts = token.split('.');
    const body = Buffer.from(parts[4] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[4] = body.toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), 'table.a')).toThrow(FieldDecryptionError);
    expect(() => cipher.decrypt('not a token', 'table.a')).toThrow(FieldDecryptionError);
    // A key id swapped for another configured key's id still fails: GCM checks the tag.
    const rotated = FieldCipher.fromConfig({
      DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
      DATA_ENCRYPTION_RETIRED_KEYS: [key],
      DATA_INDEX_KEY: key,
    });
    const swapped = token.split('.');
    swapped[1] = rotated.currentKeyId;
    expect(() => rotated.decrypt(swapped.join('.'), 'table.a')).toThrow(FieldDecryptionError);
  });

  it('blind indexes are stable per key and purpose, and reveal nothing', () => {
    const a = cipher.blindIndex('E15 1AA', 'postcode');
    expect(a).toBe(cipher.blindIndex('E15 1AA', 'postcode'));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(cipher.blindIndex('E15 1AA', 'address'));
    expect(a).not.toBe(
      FieldCipher.fromBase64Key(generateDataEncryptionKey()).blindIndex('E15 1AA', 'postcode'),
    );
  });

  it('checks the key at start without echoing it', () => {
    expect(dataEncryptionConfigIssues({ DATA_ENCRYPTION_KEY: key })).toEqual([]);
    const issues = dataEncryptionConfigIssues({ DATA_ENCRYPTION_KEY: 'too-short-secret' });
    expect(issues).toHaveLength(1);
    expect(JSON.stringify(issues)).not.toContain('too-short-secret');
    expect(() => FieldCipher.fromBase64Key('abc')).toThrow(/32 bytes/);
  });
});

describe('v1 tokens (written before rotation)', () => {
  const first = generateDataEncryptionKey();
  const second = generateDataEncryptionKey();

  it('still decrypt under the key they were written with, current or retired', () => {
    const token = legacyV1Token(first, 'Amira', 'referral.personal');
    expect(FieldCipher.fromBase64Key(first).decrypt(token, 'referral.personal')).toBe('Amira');
    const rotated = FieldCipher.fromConfig({
      DATA_ENCRYPTION_KEY: second,
      DATA_ENCRYPTION_RETIRED_KEYS: [first],
      DATA_INDEX_KEY: first,
    });
    expect(rotated.decrypt(token, 'referral.personal')).toBe('Amira');
    expect(() => rotated.decrypt(token, 'referral.other')).toThrow(FieldDecryptionError);
    expect(() => FieldCipher.fromBase64Key(second).decrypt(token, 'referral.personal')).toThrow(
      FieldDecryptionError,
    );
  });

  it('are never "under the current key": re-encryption turns them into v2 tokens', () => {
    const cipher = FieldCipher.fromBase64Key(first);
    const token = legacyV1Token(first, 'Amira', 'c');
    expect(cipher.isUnderCurrentKey(token)).toBe(false);
    const fresh = cipher.reencrypt(token, 'c');
    expect(cipher.isUnderCurrentKey(fresh)).toBe(true);
    expect(cipher.decrypt(fresh, 'c')).toBe('Amira');
  });
});

describe('rotation with overlap', () => {
  const k1 = generateDataEncryptionKey();
  const k2 = generateDataEncryptionKey();
  const before = FieldCipher.fromBase64Key(k1);
  const during = FieldCipher.fromConfig({
    DATA_ENCRYPTION_KEY: k2,
    DATA_ENCRYPTION_RETIRED_KEYS: [k1],
    DATA_INDEX_KEY: k1,
  });
  const after = FieldCipher.fromConfig({ DATA_ENCRYPTION_KEY: k2, DATA_INDEX_KEY: k1 });

  it('decrypts old tokens with the retired key and writes new ones under the current key', () => {
    const old = before.encrypt('Amira', 'c');
    expect(during.decrypt(old, 'c')).toBe('Amira');
    expect(during.isUnderCurrentKey(old)).toBe(false);
    const fresh = during.reencrypt(old, 'c');
    expect(fresh.split('.')[1]).toBe(dataKeyId(Buffer.from(k2, 'base64')));
    expect(after.decrypt(fresh, 'c')).toBe('Amira');
    // Once the retired key is removed, what was not re-encrypted is lost: the error says which key.
    expect(() => after.decrypt(old, 'c')).toThrow(
      new RegExp(`its key ${before.currentKeyId} is not configured`),
    );
  });

  it('keeps blind indexes: pinned to DATA_INDEX_KEY, the key they were first made with', () => {
    const index = before.blindIndex('E151AA', 'postcode');
    expect(index).toBe(legacyBlindIndex(k1, 'E151AA', 'postcode'));
    expect(during.blindIndex('E151AA', 'postcode')).toBe(index);
    expect(after.blindIndex('E151AA', 'postcode')).toBe(index);
    expect(FieldCipher.fromBase64Key(k2).blindIndex('E151AA', 'postcode')).not.toBe(index);
  });

  it('says which keys it holds, by id only', () => {
    expect(during.hasRetiredKeys).toBe(true);
    expect(after.hasRetiredKeys).toBe(false);
    expect(during.describeKeys()).toEqual({
      current: after.currentKeyId,
      retired: [before.currentKeyId],
      blindIndex: before.currentKeyId,
    });
    expect(JSON.stringify(during.describeKeys())).not.toContain(k1);
  });
});

describe('the data-key configuration', () => {
  const current = generateDataEncryptionKey();
  const old = generateDataEncryptionKey();
  const older = generateDataEncryptionKey();

  function problems(config: Parameters<typeof dataEncryptionConfigIssues>[0]) {
    const issues = dataEncryptionConfigIssues(config);
    const text = JSON.stringify(issues);
    for (const secret of [current, old, older, 'short', config.DATA_INDEX_KEY ?? current]) {
      expect(text).not.toContain(secret);
    }
    return issues.map((issue) => `${issue.variable}: ${issue.reason}`);
  }

  it('accepts a current key alone, or with retired keys and the pinned index key', () => {
    expect(problems({ DATA_ENCRYPTION_KEY: current })).toEqual([]);
    expect(
      problems({
        DATA_ENCRYPTION_KEY: current,
        DATA_ENCRYPTION_RETIRED_KEYS: [old, older],
        DATA_INDEX_KEY: older,
      }),
    ).toEqual([]);
  });

  it('refuses a retired key of the wrong length, naming its position only', () => {
    expect(
      problems({
        DATA_ENCRYPTION_KEY: current,
        DATA_ENCRYPTION_RETIRED_KEYS: [old, Buffer.alloc(16).toString('base64'), 'short'],
        DATA_INDEX_KEY: old,
      }),
    ).toEqual([
      'DATA_ENCRYPTION_RETIRED_KEYS: entry 2 of 3 is not base64 of exactly 32 bytes',
      'DATA_ENCRYPTION_RETIRED_KEYS: entry 3 of 3 is not base64 of exactly 32 bytes',
    ]);
  });

  it('refuses a retired key equal to the current one, and the same key listed twice', () => {
    const id = (base64: string) => dataKeyId(Buffer.from(base64, 'base64'));
    expect(
      problems({
        DATA_ENCRYPTION_KEY: current,
        DATA_ENCRYPTION_RETIRED_KEYS: [old, current, older, old],
        DATA_INDEX_KEY: old,
      }),
    ).toEqual([
      `DATA_ENCRYPTION_RETIRED_KEYS: entry 2 of 4 is the current DATA_ENCRYPTION_KEY (key id ${id(current)}); a key is either current or retired`,
      `DATA_ENCRYPTION_RETIRED_KEYS: entry 4 of 4 repeats entry 1 (key id ${id(old)}); list each key once`,
    ]);
  });

  it('requires the index key while keys are retired, so lookups cannot silently change key', () => {
    expect(problems({ DATA_ENCRYPTION_KEY: current, DATA_ENCRYPTION_RETIRED_KEYS: [old] })).toEqual(
      [
        'DATA_INDEX_KEY: is required while DATA_ENCRYPTION_RETIRED_KEYS is set: set it to the key the blind indexes were made with (the first DATA_ENCRYPTION_KEY of this service)',
      ],
    );
    expect(problems({ DATA_ENCRYPTION_KEY: current, DATA_INDEX_KEY: 'short' })).toEqual([
      'DATA_INDEX_KEY: is not base64 of exactly 32 bytes',
    ]);
  });

  it('throws a ConfigError listing every problem when the cipher is built', () => {
    let error: unknown;
    try {
      FieldCipher.fromConfig({
        DATA_ENCRYPTION_KEY: 'short',
        DATA_ENCRYPTION_RETIRED_KEYS: [current, current],
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect((error as ConfigError).issues.map((issue) => issue.variable)).toEqual([
      'DATA_ENCRYPTION_KEY',
      'DATA_ENCRYPTION_RETIRED_KEYS',
      'DATA_INDEX_KEY',
    ]);
    expect(message).not.toContain(current);
  });
});

describe('a key provider of ones own (how a KMS plugs in)', () => {
  it('is used as is: its ids name the tokens, its index key keys the blind indexes', () => {
    const key: DataKey = { id: 'kms-v7', secret: randomBytes(32) };
    const index: DataKey = { id: 'kms-index-v1', secret: randomBytes(32) };
    const provider: DataKeyProvider = {
      currentKey: () => key,
      decryptionKey: (id) => (id === key.id ? key : undefined),
      decryptionKeys: () => [key],
      blindIndexKey: () => index,
    };
    const cipher = new FieldCipher(provider);
    const token = cipher.encrypt('Amira', 'c');
    expect(token.startsWith('v2.kms-v7.')).toBe(true);
    expect(cipher.decrypt(token, 'c')).toBe('Amira');
    expect(cipher.blindIndex('E151AA', 'postcode')).toBe(
      legacyBlindIndex(index.secret.toString('base64'), 'E151AA', 'postcode'),
    );
  });

  it('refuses a key id that could not sit inside a token', () => {
    const bad: DataKey = { id: 'v.1', secret: randomBytes(32) };
    const cipher = new FieldCipher({
      currentKey: () => bad,
      decryptionKey: () => bad,
      decryptionKeys: () => [bad],
      blindIndexKey: () => bad,
    });
    expect(() => cipher.encrypt('x', 'c')).toThrow(/data key id/);
  });
});
