import { generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key-format';

describe('API key format', () => {
  it('is hbr_<12-char prefix>_<base64url secret of at least 32 bytes>', () => {
    const { key, prefix, secret } = generateApiKey();
    expect(key).toBe(`hbr_${prefix}_${secret}`);
    expect(prefix).toMatch(/^[a-z0-9]{12}$/);
    expect(secret).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(secret, 'base64url').length).toBeGreaterThanOrEqual(32);
  });

  it('never repeats a prefix or secret', () => {
    const keys = Array.from({ length: 500 }, () => generateApiKey());
    expect(new Set(keys.map((k) => k.prefix)).size).toBe(500);
    expect(new Set(keys.map((k) => k.secret)).size).toBe(500);
  });

  it('stores a SHA-256 of the secret, not the secret', () => {
    const { secret, secretHash, key } = generateApiKey();
    expect(secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(secretHash).toBe(hashSecret(secret));
    expect(secretHash).not.toContain(secret);
    expect(key).not.toContain(secretHash);
  });

  it('parses its own keys back, including secrets containing _ and -', () => {
    for (let i = 0; i < 200; i += 1) {
      const generated = generateApiKey();
      expect(parseApiKey(generated.key)).toEqual({
        prefix: generated.prefix,
        secret: generated.secret,
      });
    }
  });

  it.each([
    '',
    'hbr_',
    'hbr_short_abc',
    'hbr_ABCDEFGHIJKL_' + 'a'.repeat(43),
    'xyz_abcdefghijkl_' + 'a'.repeat(43),
    'hbr_abcdefghijkl_' + 'a'.repeat(42),
    'hbr_abcdefghijkl_' + 'a'.repeat(43) + ' ',
    'hbr_abcdefghijkl_' + 'a'.repeat(40) + '+/=',
  ])('rejects the malformed key %j', (key) => {
    expect(parseApiKey(key)).toBeNull();
  });

  it('matches only the right secret', () => {
    const { secret, secretHash } = generateApiKey();
    expect(secretMatches(secret, secretHash)).toBe(true);
    expect(secretMatches(`${secret}x`, secretHash)).toBe(false);
    expect(secretMatches(generateApiKey().secret, secretHash)).toBe(false);
    expect(secretMatches(secret, 'not-hex')).toBe(false);
  });
});
