import { randomUUID } from 'node:crypto';
import {
  type AcknowledgementClaims,
  signAcknowledgementToken,
  signaturesMatch,
  verifyAcknowledgementToken,
} from './acknowledgement-token';

const SECRET = 'k'.repeat(40);
const NOW = new Date('2025-06-01T12:00:00Z');

function claims(overrides: Partial<AcknowledgementClaims> = {}): AcknowledgementClaims {
  return {
    alertId: randomUUID(),
    organisationId: randomUUID(),
    deliveryId: randomUUID(),
    tokenId: randomUUID(),
    expiresAt: new Date('2025-06-02T12:00:00Z'),
    ...overrides,
  };
}

/** Flips one character of `text` at `index` to another base64url character. */
function flip(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

describe('acknowledgement tokens', () => {
  it('round-trips every claim through a compact, URL-safe token', () => {
    const original = claims();
    const token = signAcknowledgementToken(original, SECRET);

    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(token.length).toBeLessThan(140);
    expect(verifyAcknowledgementToken(token, SECRET, NOW)).toEqual({ ok: true, claims: original });
  });

  it('gives each link its own token even for the same delivery', () => {
    const first = claims();
    const second = { ...first, tokenId: randomUUID() };
    expect(signAcknowledgementToken(first, SECRET)).not.toBe(
      signAcknowledgementToken(second, SECRET),
    );
  });

  it('refuses a token whose payload was changed', () => {
    const token = signAcknowledgementToken(claims(), SECRET);
    const [payload = '', signature = ''] = token.split('.');
    for (const index of [0, 10, payload.length - 2]) {
      expect(
        verifyAcknowledgementToken(`${flip(payload, index)}.${signature}`, SECRET, NOW),
      ).toEqual({ ok: false, reason: 'forged' });
    }
  });

  it('refuses a token whose payload names another alert, even re-encoded', () => {
    const genuine = claims();
    const token = signAcknowledgementToken(genuine, SECRET);
    const signature = token.split('.')[1] ?? '';
    const other = signAcknowledgementToken({ ...genuine, alertId: randomUUID() }, 'x'.repeat(40));
    const forgedPayload = other.split('.')[0] ?? '';
    expect(verifyAcknowledgementToken(`${forgedPayload}.${signature}`, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
  });

  it('refuses a changed signature and a token signed with another secret', () => {
    const token = signAcknowledgementToken(claims(), SECRET);
    const [payload = '', signature = ''] = token.split('.');
    expect(verifyAcknowledgementToken(`${payload}.${flip(signature, 5)}`, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
    const otherSecret = signAcknowledgementToken(claims(), 'z'.repeat(40));
    expect(verifyAcknowledgementToken(otherSecret, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'forged',
    });
  });

  it('refuses truncated and malformed tokens without throwing', () => {
    const token = signAcknowledgementToken(claims(), SECRET);
    const [payload = '', signature = ''] = token.split('.');
    const cases = [
      '',
      'nonsense',
      payload,
      `${payload}.`,
      `${payload}.${signature}.extra`,
      `${payload}.${signature.slice(0, -4)}`,
      `${payload}.${signature}==`,
      `${payload.slice(0, -3)}.${signature}`,
      `${payload}.${signature}`.replace(/[A-Za-z]/, '%'),
    ];
    for (const candidate of cases) {
      const verdict = verifyAcknowledgementToken(candidate, SECRET, NOW);
      expect(verdict.ok).toBe(false);
      expect(verdict.ok ? null : verdict.reason).not.toBe('expired');
    }
  });

  it('expires at its expiry time, and still says which alert it was for', () => {
    const original = claims({ expiresAt: new Date('2025-06-01T12:00:00Z') });
    const token = signAcknowledgementToken(original, SECRET);

    expect(verifyAcknowledgementToken(token, SECRET, new Date('2025-06-01T11:59:59Z')).ok).toBe(
      true,
    );
    expect(verifyAcknowledgementToken(token, SECRET, NOW)).toEqual({
      ok: false,
      reason: 'expired',
      claims: original,
    });
  });

  it('checks the signature before the expiry: a forged expired token is forged', () => {
    const token = signAcknowledgementToken(claims({ expiresAt: new Date(0) }), 'z'.repeat(40));
    expect(verifyAcknowledgementToken(token, SECRET, NOW)).toEqual({ ok: false, reason: 'forged' });
  });

  it('compares signatures only when both are full length (timingSafeEqual would throw)', () => {
    const a = Buffer.alloc(32, 1);
    expect(signaturesMatch(a, Buffer.alloc(32, 1))).toBe(true);
    expect(signaturesMatch(a, Buffer.alloc(32, 2))).toBe(false);
    expect(signaturesMatch(Buffer.alloc(31, 1), a)).toBe(false);
    expect(signaturesMatch(Buffer.alloc(0), a)).toBe(false);
  });

  it('refuses to sign ids that are not lower-case UUIDs', () => {
    expect(() => signAcknowledgementToken(claims({ alertId: 'not-a-uuid' }), SECRET)).toThrow(
      /UUIDs/,
    );
  });
});
