import {
  dataEncryptionConfigIssues,
  FieldCipher,
  FieldDecryptionError,
  generateDataEncryptionKey,
} from './field-cipher';

describe('FieldCipher', () => {
  const key = generateDataEncryptionKey();
  const cipher = FieldCipher.fromBase64Key(key);

  it('round-trips text and JSON, and never stores the plaintext', () => {
    const token = cipher.encrypt('Amira Hoxha', 'referral_case.personal');
    expect(token).toMatch(/^v1\./);
    expect(token).not.toContain('Amira');
    expect(cipher.decrypt(token, 'referral_case.personal')).toBe('Amira Hoxha');
    const json = cipher.encryptJson({ givenName: 'Amira', aliases: ['A'] }, 'ctx');
    expect(cipher.decryptJson(json, 'ctx')).toEqual({ givenName: 'Amira', aliases: ['A'] });
  });

  it('gives a different ciphertext each time (random IV)', () => {
    expect(cipher.encrypt('same', 'c')).not.toBe(cipher.encrypt('same', 'c'));
  });

  it('refuses another context, another key and a tampered value', () => {
    const token = cipher.encrypt('secret', 'table.a');
    expect(() => cipher.decrypt(token, 'table.b')).toThrow(FieldDecryptionError);
    const other = FieldCipher.fromBase64Key(generateDataEncryptionKey());
    expect(() => other.decrypt(token, 'table.a')).toThrow(FieldDecryptionError);
    const parts = token.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), 'table.a')).toThrow(FieldDecryptionError);
    expect(() => cipher.decrypt('not a token', 'table.a')).toThrow(FieldDecryptionError);
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
