import { createHmac, randomBytes } from 'node:crypto';
import { ConfigError, type ConfigIssue, defineConfig } from '../config';

/** Every data key is 32 random bytes (AES-256, HMAC-SHA256). */
export const DATA_KEY_BYTES = 32;

/** What a key id may look like: it is written into tokens between dots. */
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A data key: the secret the field keys are derived from, and the short name tokens carry.
 * The id is not secret and names exactly one secret, for ever: a token names the id of the key
 * that encrypted it, so the key can be found again after a rotation.
 */
export interface DataKey {
  /** Stable, non-secret, `[A-Za-z0-9_-]{1,64}` (no dots: it sits inside a token). */
  readonly id: string;
  /** 32 bytes. Never logged, never put in an error. */
  readonly secret: Buffer;
}

/**
 * Where a service's data keys come from. `FieldCipher` asks it on every call, so a provider may
 * change its current key while the service runs (new tokens follow at once).
 *
 * The configuration-backed implementation is `ConfiguredDataKeys`. A cloud KMS plugs in by
 * implementing this interface with envelope encryption: keep the data keys wrapped (encrypted
 * under the KMS master key) in configuration or a secret store, unwrap them once at start-up
 * (an async factory, before the service opens), and serve them from memory here. The KMS then
 * sees one call per key and start, never a field; its key version can be the `id`, as long as
 * it names one secret for ever. Rotating the KMS master key only re-wraps the data keys; rotating
 * a data key is the procedure in docs/security.md ("Key rotation").
 */
export interface DataKeyProvider {
  /** The key new tokens are written under. */
  currentKey(): DataKey;
  /** A key that may still decrypt: the current one or a retired one; undefined if unknown. */
  decryptionKey(id: string): DataKey | undefined;
  /** Every key that may decrypt, the current one first (v1 tokens name no key: each is tried). */
  decryptionKeys(): readonly DataKey[];
  /**
   * The key blind indexes are made with. It must not change when the encryption key rotates:
   * every stored index was computed with it, and equality lookups compare against them.
   */
  blindIndexKey(): DataKey;
}

/** The short, non-secret id of a key: the first 8 bytes of HMAC-SHA256(key, "harbour key id"). */
export function dataKeyId(secret: Buffer): string {
  return createHmac('sha256', secret)
    .update('harbour key id')
    .digest()
    .subarray(0, 8)
    .toString('base64url');
}

/** A key id a provider returned, checked before it is written into a token. */
export function assertDataKey(key: DataKey): DataKey {
  if (!KEY_ID_PATTERN.test(key.id)) {
    throw new Error('a data key id must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"');
  }
  if (key.secret.length !== DATA_KEY_BYTES) {
    throw new Error(`data key ${key.id} is not ${DATA_KEY_BYTES} bytes`);
  }
  return key;
}

/** A fresh key, base64 (for scripts and tests). */
export function generateDataEncryptionKey(): string {
  return randomBytes(DATA_KEY_BYTES).toString('base64');
}

/** The variables a service that keeps personal data reads; spread into its config spec. */
export const dataEncryptionConfig = defineConfig({
  DATA_ENCRYPTION_KEY: {
    kind: 'string',
    sensitive: true,
    description:
      'Encrypts personal data at rest (AES-256-GCM): 32 random bytes, base64, e.g. `openssl rand -base64 32`. Each service has its own; losing it loses the data. Until DATA_INDEX_KEY is set it also keys the blind indexes.',
  },
  DATA_ENCRYPTION_RETIRED_KEYS: {
    kind: 'list',
    optional: true,
    sensitive: true,
    description:
      'Comma-separated former DATA_ENCRYPTION_KEYs (base64, 32 bytes each) that may still decrypt during a key rotation; while set, a background job re-encrypts every field under DATA_ENCRYPTION_KEY. Remove them once it logs that re-encryption is complete.',
  },
  DATA_INDEX_KEY: {
    kind: 'string',
    optional: true,
    sensitive: true,
    description:
      "Keys the blind indexes (HMAC-SHA256) so equality lookups survive a key rotation: the service's first DATA_ENCRYPTION_KEY (base64, 32 bytes). Unset = DATA_ENCRYPTION_KEY, which is right only until the first rotation; required while DATA_ENCRYPTION_RETIRED_KEYS is set, and never to be changed or removed afterwards.",
  },
});

/** The data-key settings as loaded from `dataEncryptionConfig`. */
export interface DataEncryptionSettings {
  readonly DATA_ENCRYPTION_KEY: string;
  readonly DATA_ENCRYPTION_RETIRED_KEYS?: readonly string[] | undefined;
  readonly DATA_INDEX_KEY?: string | undefined;
}

/**
 * The variables one set of data keys is read from, and what they are for: named in every issue.
 * A service's own keys are `DATA_ENCRYPTION_KEY` & co. (`SERVICE_DATA_KEY_VARIABLES`); the
 * identity store's are `IDENTITY_DATA_KEY` & co. (`libs/platform/src/identity/identity-data-keys.ts`).
 */
export interface DataKeyVariables {
  readonly current: DataKeyVariable;
  readonly retired: DataKeyVariable;
  readonly index: DataKeyVariable;
  /** Whose first key the index key is, in an issue: e.g. `this service`. */
  readonly owner: string;
}

export interface DataKeyVariable {
  readonly name: string;
  readonly description: string;
}

/** One set of data keys as configured (base64 text, not yet checked). */
export interface DataKeyValues {
  readonly current: string;
  readonly retired?: readonly string[] | undefined;
  readonly index?: string | undefined;
}

/** `DATA_ENCRYPTION_KEY`, `DATA_ENCRYPTION_RETIRED_KEYS`, `DATA_INDEX_KEY`. */
export const SERVICE_DATA_KEY_VARIABLES: DataKeyVariables = {
  current: {
    name: 'DATA_ENCRYPTION_KEY',
    description: dataEncryptionConfig.DATA_ENCRYPTION_KEY.description,
  },
  retired: {
    name: 'DATA_ENCRYPTION_RETIRED_KEYS',
    description: dataEncryptionConfig.DATA_ENCRYPTION_RETIRED_KEYS.description,
  },
  index: { name: 'DATA_INDEX_KEY', description: dataEncryptionConfig.DATA_INDEX_KEY.description },
  owner: 'this service',
};

function serviceKeyValues(config: DataEncryptionSettings): DataKeyValues {
  return {
    current: config.DATA_ENCRYPTION_KEY,
    retired: config.DATA_ENCRYPTION_RETIRED_KEYS,
    index: config.DATA_INDEX_KEY,
  };
}

/**
 * The shape of the configured keys, checked at start. Reasons name variables, list positions
 * and key ids (non-secret fingerprints), never key material.
 */
export function dataEncryptionConfigIssues(config: DataEncryptionSettings): ConfigIssue[] {
  return dataKeyIssues(serviceKeyValues(config), SERVICE_DATA_KEY_VARIABLES);
}

/** `dataEncryptionConfigIssues` for a key set read from other variables. */
export function dataKeyIssues(values: DataKeyValues, variables: DataKeyVariables): ConfigIssue[] {
  return readConfiguredKeys(values, variables).issues;
}

/**
 * Data keys from configuration: `DATA_ENCRYPTION_KEY` (current), `DATA_ENCRYPTION_RETIRED_KEYS`
 * (may still decrypt) and `DATA_INDEX_KEY` (blind indexes; defaults to the current key, which
 * is how a deployment that never rotated made its indexes).
 */
export class ConfiguredDataKeys implements DataKeyProvider {
  private readonly byId: ReadonlyMap<string, DataKey>;

  private constructor(
    private readonly current: DataKey,
    private readonly retired: readonly DataKey[],
    private readonly index: DataKey,
  ) {
    this.byId = new Map([current, ...retired].map((key) => [key.id, key]));
  }

  /** @throws ConfigError naming every problem, without key material. */
  static fromConfig(config: DataEncryptionSettings): ConfiguredDataKeys {
    return ConfiguredDataKeys.fromValues(serviceKeyValues(config), SERVICE_DATA_KEY_VARIABLES);
  }

  /** A key set read from other variables (the identity store's). @throws ConfigError */
  static fromValues(values: DataKeyValues, variables: DataKeyVariables): ConfiguredDataKeys {
    const { keys, issues } = readConfiguredKeys(values, variables);
    if (keys === undefined || issues.length > 0) throw new ConfigError(issues);
    return new ConfiguredDataKeys(keys.current, keys.retired, keys.index);
  }

  currentKey(): DataKey {
    return this.current;
  }

  decryptionKey(id: string): DataKey | undefined {
    return this.byId.get(id);
  }

  decryptionKeys(): readonly DataKey[] {
    return [this.current, ...this.retired];
  }

  blindIndexKey(): DataKey {
    return this.index;
  }
}

interface ConfiguredKeys {
  current: DataKey;
  retired: DataKey[];
  index: DataKey;
}

function readConfiguredKeys(
  config: DataKeyValues,
  variables: DataKeyVariables,
): {
  keys?: ConfiguredKeys;
  issues: ConfigIssue[];
} {
  const issues: ConfigIssue[] = [];
  const issue = (variable: DataKeyVariable, reason: string) =>
    issues.push({ variable: variable.name, reason, description: variable.description });
  const { current: currentVar, retired: retiredVar, index: indexVar } = variables;
  const shape = `base64 of exactly ${DATA_KEY_BYTES} bytes`;
  const current = keyOf(config.current);
  if (current === undefined) issue(currentVar, `is not ${shape}`);
  const retiredList = config.retired ?? [];
  const retired: DataKey[] = [];
  const positionOf = new Map<string, number>();
  retiredList.forEach((value, index) => {
    const position = `entry ${index + 1} of ${retiredList.length}`;
    const key = keyOf(value);
    if (key === undefined) {
      issue(retiredVar, `${position} is not ${shape}`);
      return;
    }
    if (current !== undefined && key.id === current.id) {
      issue(
        retiredVar,
        `${position} is the current ${currentVar.name} (key id ${key.id}); a key is either current or retired`,
      );
      return;
    }
    const earlier = positionOf.get(key.id);
    if (earlier !== undefined) {
      issue(
        retiredVar,
        `${position} repeats entry ${earlier} (key id ${key.id}); list each key once`,
      );
      return;
    }
    positionOf.set(key.id, index + 1);
    retired.push(key);
  });
  let index = current;
  if (config.index !== undefined) {
    index = keyOf(config.index);
    if (index === undefined) issue(indexVar, `is not ${shape}`);
  } else if (retiredList.length > 0) {
    // Defaulting to the new current key here would silently break every equality lookup.
    issue(
      indexVar,
      `is required while ${retiredVar.name} is set: set it to the key the blind indexes were made with (the first ${currentVar.name} of ${variables.owner})`,
    );
  }
  if (current === undefined || index === undefined || issues.length > 0) return { issues };
  return { keys: { current, retired, index }, issues };
}

function keyOf(base64: string): DataKey | undefined {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return undefined;
  const secret = Buffer.from(trimmed, 'base64');
  return secret.length === DATA_KEY_BYTES ? { id: dataKeyId(secret), secret } : undefined;
}
