import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import {
  assertDataKey,
  ConfiguredDataKeys,
  type DataEncryptionSettings,
  type DataKey,
  type DataKeyProvider,
} from './data-keys';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** `v2.<keyId>.<iv>.<tag>.<ciphertext>`: names the key that encrypted it. */
const VERSION = 'v2';
/** `v1.<iv>.<tag>.<ciphertext>`: written before rotation existed; names no key. */
const LEGACY_VERSION = 'v1';

export class FieldDecryptionError extends Error {
  constructor(context: string, reason = 'wrong key, wrong context or tampered data') {
    // The context names the column and a key id names a key: never a value or key material.
    super(`cannot decrypt a field of ${context}: ${reason}`);
    this.name = 'FieldDecryptionError';
  }
}

/**
 * Column-level encryption of personal data, and blind indexes to find rows by a personal value
 * without storing it.
 *
 * - `encrypt` uses AES-256-GCM with a random 96-bit IV under the provider's current key; the
 *   `context` (e.g. `referral_case.personal`) is authenticated data, so a value copied into
 *   another column does not decrypt there. The result is text: `v2.<keyId>.<iv>.<tag>.<ciphertext>`
 *   (base64url), the key id telling `decrypt` which key to use after a rotation.
 * - `decrypt` also reads `v1.<iv>.<tag>.<ciphertext>` tokens from before rotation existed: they
 *   name no key, so each key that may decrypt is tried (GCM's tag rejects the wrong ones).
 * - `blindIndex` is HMAC-SHA256 under the provider's blind-index key, per `purpose`, of an
 *   already normalised value: equal inputs give equal indexes; the index does not reveal the
 *   input without the key. That key does not rotate with the encryption key (see `DataKeyProvider`).
 *
 * The AES and HMAC keys are derived from the data keys with HKDF-SHA256 (separate labels), as
 * they were when one `DATA_ENCRYPTION_KEY` gave both, so existing tokens and indexes stay valid.
 */
export class FieldCipher {
  /** Derived AES keys by data key id (a key id names one secret for ever). */
  private readonly encryptionKeys = new Map<string, Buffer>();
  private readonly indexKeys = new Map<string, Buffer>();

  constructor(private readonly keys: DataKeyProvider) {}

  /** From the service's configuration. @throws ConfigError (never quoting a key). */
  static fromConfig(config: DataEncryptionSettings): FieldCipher {
    return new FieldCipher(ConfiguredDataKeys.fromConfig(config));
  }

  /**
   * One key, current and blind-index alike: tests and tools. A service builds its cipher with
   * `fromConfig`, or retired keys and `DATA_INDEX_KEY` would be ignored (old fields unreadable,
   * lookups under the wrong key).
   */
  static fromBase64Key(base64: string): FieldCipher {
    return FieldCipher.fromConfig({ DATA_ENCRYPTION_KEY: base64 });
  }

  /** The id of the key new tokens are written under. */
  get currentKeyId(): string {
    return assertDataKey(this.keys.currentKey()).id;
  }

  /** Whether keys other than the current one may still decrypt (a rotation is under way). */
  get hasRetiredKeys(): boolean {
    return this.keys.decryptionKeys().length > 1;
  }

  /** Every token written under the current key starts with this (re-encryption skips them). */
  get currentTokenPrefix(): string {
    return `${VERSION}.${this.currentKeyId}.`;
  }

  /** Ids of the current key, the keys that may still decrypt, and the blind-index key. */
  describeKeys(): { current: string; retired: string[]; blindIndex: string } {
    const current = this.currentKeyId;
    return {
      current,
      retired: this.keys
        .decryptionKeys()
        .map((key) => key.id)
        .filter((id) => id !== current),
      blindIndex: assertDataKey(this.keys.blindIndexKey()).id,
    };
  }

  encrypt(plaintext: string, context: string): string {
    const key = assertDataKey(this.keys.currentKey());
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.encryptionKeyOf(key), iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, key.id, ...[iv, tag, body].map((part) => part.toString('base64url'))].join(
      '.',
    );
  }

  decrypt(token: string, context: string): string {
    const parts = token.split('.');
    if (parts[0] === VERSION && parts.length === 5) {
      const [, keyId = '', iv = '', tag = '', body = ''] = parts;
      const key = this.keys.decryptionKey(keyId);
      if (key === undefined) {
        throw new FieldDecryptionError(context, `its key ${keyId} is not configured`);
      }
      return this.open(this.encryptionKeyOf(assertDataKey(key)), iv, tag, body, context);
    }
    if (parts[0] === LEGACY_VERSION && parts.length === 4) {
      const [, iv = '', tag = '', body = ''] = parts;
      for (const key of this.keys.decryptionKeys()) {
        try {
          return this.open(this.encryptionKeyOf(assertDataKey(key)), iv, tag, body, context);
        } catch (error) {
          if (!(error instanceof FieldDecryptionError)) throw error;
        }
      }
    }
    throw new FieldDecryptionError(context);
  }

  /** Whether `token` is already a current-version token under the current key. */
  isUnderCurrentKey(token: string): boolean {
    return token.startsWith(this.currentTokenPrefix);
  }

  /** The same plaintext under the current key (a rotation's re-encryption). */
  reencrypt(token: string, context: string): string {
    return this.encrypt(this.decrypt(token, context), context);
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
    return createHmac('sha256', this.indexKeyOf(assertDataKey(this.keys.blindIndexKey())))
      .update(purpose, 'utf8')
      .update('\u0000', 'utf8')
      .update(normalisedValue, 'utf8')
      .digest('hex');
  }

  private open(key: Buffer, iv: string, tag: string, body: string, context: string): string {
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
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

  private encryptionKeyOf(key: DataKey): Buffer {
    return derived(this.encryptionKeys, key, 'harbour field encryption');
  }

  private indexKeyOf(key: DataKey): Buffer {
    return derived(this.indexKeys, key, 'harbour blind index');
  }
}

function derived(cache: Map<string, Buffer>, key: DataKey, label: string): Buffer {
  let value = cache.get(key.id);
  if (value === undefined) {
    value = Buffer.from(hkdfSync('sha256', key.secret, Buffer.alloc(0), label, KEY_BYTES));
    cache.set(key.id, value);
  }
  return value;
}
