import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** Keys look like `hbr_<12-char prefix>_<secret>`; the `hbr_` marker lets scanners find leaks. */
export const API_KEY_MARKER = 'hbr_';
export const API_KEY_PREFIX_LENGTH = 12;
export const API_KEY_SECRET_BYTES = 32;

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const KEY_PATTERN = /^hbr_([a-z0-9]{12})_([A-Za-z0-9_-]{43,})$/;

export interface ApiKeyParts {
  prefix: string;
  secret: string;
}

export interface GeneratedApiKey extends ApiKeyParts {
  /** The whole key, shown to its holder once. */
  key: string;
  /** What is stored instead of the secret. */
  secretHash: string;
}

export function generateApiKey(): GeneratedApiKey {
  let prefix = '';
  for (let i = 0; i < API_KEY_PREFIX_LENGTH; i += 1) {
    prefix += PREFIX_ALPHABET.charAt(randomInt(PREFIX_ALPHABET.length));
  }
  const secret = randomBytes(API_KEY_SECRET_BYTES).toString('base64url');
  return {
    key: `${API_KEY_MARKER}${prefix}_${secret}`,
    prefix,
    secret,
    secretHash: hashSecret(secret),
  };
}

/** Splits a presented key, or returns null when it cannot be one of ours. */
export function parseApiKey(key: string): ApiKeyParts | null {
  const match = KEY_PATTERN.exec(key);
  if (!match) return null;
  const [, prefix, secret] = match;
  return prefix === undefined || secret === undefined ? null : { prefix, secret };
}

/**
 * SHA-256, hex. A slow password KDF (bcrypt, scrypt, argon2) exists to make guessing a
 * low-entropy human password expensive; our secrets are 256 random bits, which no amount of
 * hashing speed makes guessable, and a fast hash keeps authentication cheap on every request.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares in constant time so response timing says nothing about how close a guess was. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
