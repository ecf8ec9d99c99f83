import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an acknowledgement link stands for: one delivery of one alert to one organisation. */
export interface AcknowledgementClaims {
  alertId: string;
  organisationId: string;
  deliveryId: string;
  /** Random per link; recorded on the acknowledgement so the link works once. */
  tokenId: string;
  /** Whole seconds: the token carries no finer time. */
  expiresAt: Date;
}

export type TokenVerdict =
  | { ok: true; claims: AcknowledgementClaims }
  | { ok: false; reason: 'malformed' | 'forged' }
  | { ok: false; reason: 'expired'; claims: AcknowledgementClaims };

/** Shortest secret accepted: 32 characters, enough for HMAC-SHA256 when they are random. */
export const MIN_ACKNOWLEDGEMENT_SECRET_LENGTH = 32;

// Binary layout of the payload, so a link stays short enough for any mail client:
// version (1 byte) | alert, organisation, delivery and token ids (16 bytes each) | expiry (uint32 s).
const VERSION = 1;
const UUID_BYTES = 16;
const PAYLOAD_BYTES = 1 + 4 * UUID_BYTES + 4;
const SIGNATURE_BYTES = 32;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * `<payload>.<signature>`, both base64url: the payload packs the claims, the signature is
 * HMAC-SHA256 over the payload's text under `secret`. Nothing in it is secret, only unforgeable.
 */
export function signAcknowledgementToken(claims: AcknowledgementClaims, secret: string): string {
  const payload = Buffer.alloc(PAYLOAD_BYTES);
  payload.writeUInt8(VERSION, 0);
  [claims.alertId, claims.organisationId, claims.deliveryId, claims.tokenId].forEach((id, i) => {
    uuidBytes(id).copy(payload, 1 + i * UUID_BYTES);
  });
  payload.writeUInt32BE(Math.floor(claims.expiresAt.getTime() / 1000), 1 + 4 * UUID_BYTES);
  const encoded = payload.toString('base64url');
  return `${encoded}.${sign(encoded, secret).toString('base64url')}`;
}

/**
 * Checks the signature (in constant time) before reading anything from the payload, then the
 * expiry. An expired token still names its claims, so the page can say which alert it was for.
 */
export function verifyAcknowledgementToken(
  token: string,
  secret: string,
  now: Date = new Date(),
): TokenVerdict {
  const [encoded, signatureText, extra] = token.split('.');
  if (
    encoded === undefined ||
    signatureText === undefined ||
    extra !== undefined ||
    !BASE64URL.test(encoded) ||
    !BASE64URL.test(signatureText)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const signature = Buffer.from(signatureText, 'base64url');
  if (!signaturesMatch(signature, sign(encoded, secret))) return { ok: false, reason: 'forged' };

  const payload = Buffer.from(encoded, 'base64url');
  if (payload.length !== PAYLOAD_BYTES || payload.readUInt8(0) !== VERSION) {
    return { ok: false, reason: 'malformed' };
  }
  const ids = [0, 1, 2, 3].map((i) =>
    uuidText(payload.subarray(1 + i * UUID_BYTES, 1 + (i + 1) * UUID_BYTES)),
  );
  const [alertId = '', organisationId = '', deliveryId = '', tokenId = ''] = ids;
  const claims: AcknowledgementClaims = {
    alertId,
    organisationId,
    deliveryId,
    tokenId,
    expiresAt: new Date(payload.readUInt32BE(1 + 4 * UUID_BYTES) * 1000),
  };
  if (now.getTime() >= claims.expiresAt.getTime()) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims };
}

/** Constant-time comparison; a signature of the wrong length is simply not equal. */
export function signaturesMatch(given: Buffer, expected: Buffer): boolean {
  if (given.length !== SIGNATURE_BYTES || expected.length !== SIGNATURE_BYTES) return false;
  return timingSafeEqual(given, expected);
}

function sign(encodedPayload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(encodedPayload).digest();
}

function uuidBytes(id: string): Buffer {
  if (!UUID.test(id)) throw new Error('acknowledgement token ids must be lower-case UUIDs');
  return Buffer.from(id.replaceAll('-', ''), 'hex');
}

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
