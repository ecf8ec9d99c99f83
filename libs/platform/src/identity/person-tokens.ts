import { randomBytes } from 'node:crypto';
import { hashSecret } from './api-key-format';

/**
 * A signed-in person's session token: `hbs_<43 base64url chars>` (256 random bits). The marker
 * tells it from an API key (`hbr_`) and lets scanners find a leaked one.
 */
export const SESSION_TOKEN_MARKER = 'hbs_';
/** A sign-in link's single-use token: `hbl_<43 base64url chars>`. */
export const SIGN_IN_TOKEN_MARKER = 'hbl_';

const TOKEN_BYTES = 32;
const SESSION_PATTERN = /^hbs_[A-Za-z0-9_-]{43}$/;
const SIGN_IN_PATTERN = /^hbl_[A-Za-z0-9_-]{43}$/;

export interface GeneratedToken {
  /** Handed to its holder once; never stored. */
  token: string;
  /** SHA-256 (hex) of the whole token: what is stored and looked up. */
  hash: string;
}

function generate(marker: string): GeneratedToken {
  const token = `${marker}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
  return { token, hash: hashSecret(token) };
}

export const generateSessionToken = (): GeneratedToken => generate(SESSION_TOKEN_MARKER);
export const generateSignInToken = (): GeneratedToken => generate(SIGN_IN_TOKEN_MARKER);

export const isSessionToken = (value: string): boolean => SESSION_PATTERN.test(value);
export const isSignInToken = (value: string): boolean => SIGN_IN_PATTERN.test(value);

/**
 * The stored form of a presented token. A token is 256 random bits, so a fast hash is enough
 * (see `hashSecret`); the lookup is by the hash itself, an equality on a unique index.
 */
export const tokenHash = (token: string): string => hashSecret(token);

/** E-mail addresses are compared lower-cased and trimmed: `Ana@Camden.gov.uk ` is `ana@camden.gov.uk`. */
export function normaliseEmail(address: string): string {
  return address.trim().toLowerCase();
}

const EMAIL =
  /^[^\s@<>"',;]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** A plausible work e-mail address (after `normaliseEmail`), at most 254 characters. */
export function isEmailAddress(normalised: string): boolean {
  return normalised.length <= 254 && EMAIL.test(normalised);
}
