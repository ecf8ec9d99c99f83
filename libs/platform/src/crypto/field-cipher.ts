import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { type ConfigIssue, defineConfig } from '../config';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

/** The variable a service that keeps personal data reads; spread into its config spec. */
export const dataEncryptionConfig = defineConfig({
  DATA_ENCRYPTION_KEY: {
    kind: 'string',
    sensitive: true,
    description:
      'Encrypts personal data at rest (AES-256-GCM) and keys its blind indexes (HMAC-SHA256): 32 random bytes, base64, e.g. `openssl rand -base64 32`. Each service has its own; losing it loses the data.',
  },
});

/** The key's shape, checked at start; only the length is ever reported, never the value. */
export function dataEncryptionConfigIssues(config: { DATA_ENCRYPTION_KEY: string }): ConfigIssue[] {
  const bytes = decodeKey(config.DATA_ENCRYPTION_KEY);
  if (bytes !== undefined) return [];
  return [
    {
      variable: 'DATA_ENCRYPTION_KEY',
      reason: `is not base64 of exactly ${KEY_BYTES} bytes`,
      description: dataEncryptionConfig.DATA_ENCRYPTION_KEY.description,
    },
  ];
}

function decodeKey(base64: string): Buffer | undefined {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed, 'base64');
  return bytes.length === KEY_BYTES ? bytes : undefined;
}

/** A fresh key, base64 (for scripts and tests). */
export function generateDataEncryptionKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

export class FieldDecryptionError extends Error {
  constructor(context: string) {
    // The context names the column, never the value.
    super(`cannot decrypt a field of ${context}: wrong key, wrong context or tampered data`);
  }
}

/**
 * Column-level encryption of personal data, and blind indexes to find rows by a personal value
 * without storing it.
 *
 * - `encrypt` uses AES-256-GCM with a random 96-bit IV; the `context` (e.g. `referral_case.personal`)
 *   is authenticated data, so a value copied into another column does not decrypt there. The
 *   result is text: `v1.<iv>.<tag>.<ciphertext>`, base64url.
 * - `blindIndex` is HMAC-SHA256 under a separate key, per `purpose`, of an already normalised
 *   value: equal inputs give equal indexes; the index does not reveal the input without the key.
 *
 * Both keys are derived from the one configured key with HKDF-SHA256.
 */
export class FieldCipher {
  private readonly encryptionKey: Buffer;
  private readonly indexKey: Buffer;

  private constructor(master: Buffer) {
    this.encryptionKey = Buffer.from(
      hkdfSync('sha256', master, Buffer.alloc(0), 'harbour field encryption', KEY_BYTES),
    );
    this.indexKey = Buffer.from(
      hkdfSync('sha256', master, Buffer.alloc(0), 'harbour blind index', KEY_BYTES),
    );
  }

  static fromBase64Key(base64: string): FieldCipher {
    const bytes = decodeKey(base64);
    if (bytes === undefined) {
      throw new Error(`DATA_ENCRYPTION_KEY must be base64 of exactly ${KEY_BYTES} bytes`);
    }
    return new FieldCipher(bytes);
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv, tag, body]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(token: string, context: string): string {
    const [version, iv, tag, body] = token.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
      throw new FieldDecryptionError(context);
    }
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        this.encryptionKey,
        Buffer.from(iv, 'base64url'),
      );
      decipher.setAAD(Buffer.from(context, 'utf8'));
      const tagBytes = Buffer.from(tag, 'base64url');
      if (tagBytes.length !== TAG_BYTES) throw new FieldDecryptionError(context);
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new FieldDecryptionError(context);
    }
  }

  encryptJson(value: unknown, context: string): string {
    return this.encrypt(JSON.stringify(value), context);
  }

  /** The decrypted JSON value; the caller checks or asserts its shape. */
  decryptJson(token: string, context: string): unknown {
    return JSON.parse(this.decrypt(token, context));
  }

  /** HMAC-SHA256 (hex) of a normalised value for one purpose, e.g. `postcode`. */
  blindIndex(normalisedValue: string, purpose: string): string {
    return createHmac('sha256', this.indexKey)
      .update(purpose, 'utf8')
      .update('\u0000', 'utf8')
      .update(normalisedValue, 'utf8')
      .digest('hex');
  }
}
