import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit-entry';
import { auditHash, canonicalAuditEntry, chainBreakOf, GENESIS_HASH } from './audit-hash';
import { canonicalJson } from './canonical-json';

describe('canonical JSON', () => {
  it('sorts keys at every depth and leaves out whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[true,null]},"b":1}',
    );
  });

  it('gives one text whatever order the properties were set in', () => {
    expect(canonicalJson({ z: 1, y: { q: 2, p: 3 } })).toBe(
      canonicalJson({ y: { p: 3, q: 2 }, z: 1 }),
    );
  });

  it('escapes strings as JSON does, keeping non-ASCII as it is', () => {
    expect(canonicalJson({ s: 'a"b\\c\n\u2028é' })).toBe('{"s":"a\\"b\\\\c\\n\u2028é"}');
  });

  it('refuses values a jsonb round trip would not give back', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow('non-finite');
    expect(() => canonicalJson({ n: Infinity })).toThrow('non-finite');
    expect(() => canonicalJson({ u: undefined } as never)).toThrow('undefined');
  });
});

describe('audit entry hash', () => {
  const entry: AuditEntry = {
    seq: 1,
    at: new Date('2026-03-01T09:30:00.123Z'),
    actor: { type: 'system', component: 'cli' },
    action: 'key.issued',
    resource: { kind: 'api_key', id: '0b0f4f5e-3d7e-4c1b-9d43-2f1e0a9c8b7d' },
    reason: 'harbour key issue',
    details: { organisationId: '5b0f4f5e-3d7e-4c1b-9d43-2f1e0a9c8b7d', roles: ['read'] },
    prevHash: GENESIS_HASH,
    hash: '',
  };
  const hashed = { ...entry, hash: auditHash(GENESIS_HASH, entry) };

  it('is the canonical text of every field but the hashes, the time in UTC to the millisecond', () => {
    expect(canonicalAuditEntry(entry)).toBe(
      '{"action":"key.issued","actor":{"component":"cli","type":"system"},' +
        '"at":"2026-03-01T09:30:00.123Z",' +
        '"details":{"organisationId":"5b0f4f5e-3d7e-4c1b-9d43-2f1e0a9c8b7d","roles":["read"]},' +
        '"reason":"harbour key issue",' +
        '"resource":{"id":"0b0f4f5e-3d7e-4c1b-9d43-2f1e0a9c8b7d","kind":"api_key"},"seq":1}',
    );
  });

  it('is SHA-256 of the previous hash followed by the canonical text', () => {
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonicalAuditEntry(entry))
      .digest('hex');
    expect(hashed.hash).toBe(expected);
    expect(hashed.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with any field and with the previous hash', () => {
    const variants: AuditEntry[] = [
      { ...entry, seq: 2 },
      { ...entry, at: new Date('2026-03-01T09:30:00.124Z') },
      { ...entry, actor: { type: 'system', component: 'notification' } },
      { ...entry, action: 'key.revoked' },
      { ...entry, resource: { ...entry.resource, id: 'x' } },
      { ...entry, reason: 'other' },
      { ...entry, details: { ...entry.details, roles: ['admin'] } },
    ];
    const hashes = new Set(variants.map((v) => auditHash(GENESIS_HASH, v)));
    expect(hashes.size).toBe(variants.length);
    expect(hashes.has(hashed.hash)).toBe(false);
    expect(auditHash('f'.repeat(64), entry)).not.toBe(hashed.hash);
  });

  it('refuses a seq that is not a positive safe integer', () => {
    expect(() => canonicalAuditEntry({ ...entry, seq: 0 })).toThrow('positive integer');
    expect(() => canonicalAuditEntry({ ...entry, seq: 2 ** 53 })).toThrow('positive integer');
  });

  describe('chain checks', () => {
    const second: AuditEntry = {
      ...entry,
      seq: 2,
      action: 'key.revoked',
      prevHash: hashed.hash,
      hash: '',
    };
    const secondHashed = { ...second, hash: auditHash(hashed.hash, second) };

    it('accepts entries that follow on', () => {
      expect(chainBreakOf(hashed, null)).toBeNull();
      expect(chainBreakOf(secondHashed, hashed)).toBeNull();
    });

    it('finds a gap, a wrong link and changed contents', () => {
      expect(chainBreakOf({ ...secondHashed, seq: 3 }, hashed)).toBe('gap');
      expect(chainBreakOf(secondHashed, null)).toBe('gap');
      expect(chainBreakOf({ ...secondHashed, prevHash: GENESIS_HASH }, hashed)).toBe('prev-hash');
      expect(chainBreakOf({ ...secondHashed, reason: 'changed' }, hashed)).toBe('hash');
      expect(chainBreakOf({ ...hashed, details: {} }, null)).toBe('hash');
    });
  });
});
