import { isValidIdempotencyKey, requestHash } from './idempotency-key';

describe('Idempotency-Key', () => {
  it('accepts 1-255 visible ASCII characters only', () => {
    expect(isValidIdempotencyKey('abc-123_x')).toBe(true);
    expect(isValidIdempotencyKey('a'.repeat(255))).toBe(true);
    expect(isValidIdempotencyKey('')).toBe(false);
    expect(isValidIdempotencyKey('a'.repeat(256))).toBe(false);
    expect(isValidIdempotencyKey('has space')).toBe(false);
    expect(isValidIdempotencyKey('é')).toBe(false);
  });

  it('hashes the same request the same whatever the key order, and different requests differently', () => {
    const a = requestHash('POST', '/v1/x', { b: 1, a: { d: [1, 2], c: null } });
    const b = requestHash('POST', '/v1/x', { a: { c: null, d: [1, 2] }, b: 1 });
    expect(a).toBe(b);
    expect(requestHash('POST', '/v1/x', { b: 2, a: { d: [1, 2], c: null } })).not.toBe(a);
    expect(requestHash('POST', '/v1/y', { b: 1, a: { d: [1, 2], c: null } })).not.toBe(a);
    expect(requestHash('POST', '/v1/x', { a: { d: [2, 1], c: null }, b: 1 })).not.toBe(a);
  });
});
