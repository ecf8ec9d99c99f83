import { join } from 'node:path';
import { testDatabaseUrl, withEveryMigration } from '@harbour/testing';
import { generateDataEncryptionKey } from '../crypto/data-keys';
import { DataReencryption, encryptedColumnRegistryProblems } from '../crypto/reencryption';
import type { Logger } from '../logging/logger';
import { identityCipherOf } from './identity-data-keys';
import {
  IDENTITY_ENCRYPTED_COLUMNS,
  identityReencryptionOptions,
} from './identity-encrypted-columns';
import { createIdentityDataSource } from './identity-data-source';

jest.setTimeout(60_000);

const silent: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  child: () => silent,
};

describe("the identity store's encrypted columns (what re-encryption after a rotation of IDENTITY_DATA_KEY walks)", () => {
  it('lists every *_encrypted column of the migrated schema, each keyed by its primary key', async () => {
    // Every migration file, wired into IDENTITY_MIGRATIONS or not: a new one cannot slip past.
    const problems = await withEveryMigration(
      'identity_encrypted_columns',
      join(__dirname, 'migrations'),
      (dataSource, schema) =>
        encryptedColumnRegistryProblems(dataSource, schema, IDENTITY_ENCRYPTED_COLUMNS),
    );
    expect(problems).toEqual([]);
  });

  it('names each context after its column, as the people store encrypts it', () => {
    for (const column of IDENTITY_ENCRYPTED_COLUMNS) {
      expect(column.context).toBe(`${column.table}.${column.column.replace(/_encrypted$/, '')}`);
    }
  });

  it('fails the check, and keeps the job from calling itself complete, for an unregistered encrypted column', async () => {
    const { problems, report } = await withEveryMigration(
      'identity_unregistered',
      join(__dirname, 'migrations'),
      async (dataSource, schema) => {
        // What a careless migration would add: more personal data under the identity key.
        await dataSource.query(`ALTER TABLE "${schema}".person ADD COLUMN phone_encrypted text`);
        const identity = createIdentityDataSource(testDatabaseUrl(), schema);
        await identity.initialize();
        try {
          const cipher = identityCipherOf({ IDENTITY_DATA_KEY: generateDataEncryptionKey() })!;
          const job = new DataReencryption(
            identityReencryptionOptions({ dataSource: identity, cipher, logger: silent }),
          );
          return {
            problems: await encryptedColumnRegistryProblems(
              dataSource,
              schema,
              IDENTITY_ENCRYPTED_COLUMNS,
            ),
            report: await job.runOnce(),
          };
        } finally {
          await identity.destroy();
        }
      },
    );
    expect(problems).toEqual(['person.phone_encrypted is not registered']);
    expect(report.unregistered).toEqual(['person.phone_encrypted']);
    expect(report.complete).toBe(false);
  });
});
