import { defineConfig } from '../config/config-spec';
import { ConfigError, type ConfigIssue } from '../config/config-error';
import {
  ConfiguredDataKeys,
  type DataKeyValues,
  type DataKeyVariables,
  dataKeyIssues,
} from '../crypto/data-keys';
import { FieldCipher } from '../crypto/field-cipher';

/**
 * The identity store's data keys (people's e-mail addresses, ADR-32), read by the console and
 * by `harbour person` alike: the same three roles as a service's `DATA_ENCRYPTION_KEY`,
 * `DATA_ENCRYPTION_RETIRED_KEYS` and `DATA_INDEX_KEY`, and the same rotation with overlap
 * (docs/security.md, "Key rotation").
 */
export const identityDataKeyConfig = defineConfig({
  IDENTITY_DATA_KEY: {
    kind: 'string',
    sensitive: true,
    description:
      "Encrypts people's e-mail addresses in the identity store (AES-256-GCM): 32 random bytes, base64. The console and `harbour person` need the same key. Until IDENTITY_DATA_INDEX_KEY is set it also keys their blind index.",
  },
  IDENTITY_DATA_RETIRED_KEYS: {
    kind: 'list',
    optional: true,
    sensitive: true,
    description:
      'Comma-separated former IDENTITY_DATA_KEYs (base64, 32 bytes each) that may still decrypt during a key rotation; while set, the console re-encrypts every address under IDENTITY_DATA_KEY (or run `harbour person reencrypt`). Remove them once re-encryption is complete.',
  },
  IDENTITY_DATA_INDEX_KEY: {
    kind: 'string',
    optional: true,
    sensitive: true,
    description:
      'Keys the blind index of e-mail addresses (HMAC-SHA256) so sign-in lookups survive a key rotation: the first IDENTITY_DATA_KEY (base64, 32 bytes). Unset = IDENTITY_DATA_KEY, right only until the first rotation; required while IDENTITY_DATA_RETIRED_KEYS is set, and never to be changed or removed afterwards.',
  },
});

/** The identity key settings as loaded; the CLI may run without `IDENTITY_DATA_KEY`. */
export interface IdentityDataKeySettings {
  readonly IDENTITY_DATA_KEY?: string | undefined;
  readonly IDENTITY_DATA_RETIRED_KEYS?: readonly string[] | undefined;
  readonly IDENTITY_DATA_INDEX_KEY?: string | undefined;
}

const IDENTITY_DATA_KEY_VARIABLES: DataKeyVariables = {
  current: {
    name: 'IDENTITY_DATA_KEY',
    description: identityDataKeyConfig.IDENTITY_DATA_KEY.description,
  },
  retired: {
    name: 'IDENTITY_DATA_RETIRED_KEYS',
    description: identityDataKeyConfig.IDENTITY_DATA_RETIRED_KEYS.description,
  },
  index: {
    name: 'IDENTITY_DATA_INDEX_KEY',
    description: identityDataKeyConfig.IDENTITY_DATA_INDEX_KEY.description,
  },
  owner: 'this deployment',
};

function valuesOf(config: IdentityDataKeySettings & { IDENTITY_DATA_KEY: string }): DataKeyValues {
  return {
    current: config.IDENTITY_DATA_KEY,
    retired: config.IDENTITY_DATA_RETIRED_KEYS,
    index: config.IDENTITY_DATA_INDEX_KEY,
  };
}

/**
 * What is wrong with the configured identity keys, checked at start: issues name the variable,
 * the list position and key ids, never key material. Retired or index keys without
 * `IDENTITY_DATA_KEY` are an issue too (they would be silently ignored).
 */
export function identityDataKeyIssues(config: IdentityDataKeySettings): ConfigIssue[] {
  const { IDENTITY_DATA_KEY } = config;
  if (IDENTITY_DATA_KEY === undefined) {
    const stray = (['IDENTITY_DATA_RETIRED_KEYS', 'IDENTITY_DATA_INDEX_KEY'] as const).filter(
      (name) => config[name] !== undefined,
    );
    return stray.map((name) => ({
      variable: name,
      reason: 'is set but IDENTITY_DATA_KEY is not',
      description: identityDataKeyConfig[name].description,
    }));
  }
  return dataKeyIssues(valuesOf({ ...config, IDENTITY_DATA_KEY }), IDENTITY_DATA_KEY_VARIABLES);
}

/**
 * The cipher of the identity store's personal data from its keys: undefined when
 * `IDENTITY_DATA_KEY` is not set (a CLI run that does not touch people).
 *
 * @throws ConfigError naming every problem (`identityDataKeyIssues`), without key material.
 */
export function identityCipherOf(config: IdentityDataKeySettings): FieldCipher | undefined {
  const issues = identityDataKeyIssues(config);
  if (issues.length > 0) throw new ConfigError(issues);
  const { IDENTITY_DATA_KEY } = config;
  if (IDENTITY_DATA_KEY === undefined) return undefined;
  return new FieldCipher(
    ConfiguredDataKeys.fromValues(
      valuesOf({ ...config, IDENTITY_DATA_KEY }),
      IDENTITY_DATA_KEY_VARIABLES,
    ),
  );
}
