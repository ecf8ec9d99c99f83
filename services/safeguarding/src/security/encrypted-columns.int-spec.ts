import { join } from 'node:path';
import { encryptedColumnRegistryProblems } from '@harbour/platform';
import { withEveryMigration } from '@harbour/testing';
import { SAFEGUARDING_ENCRYPTED_COLUMNS } from './encrypted-columns';

jest.setTimeout(60_000);

describe("safeguarding's encrypted columns (what re-encryption after a key rotation walks)", () => {
  it('lists every *_encrypted column of the migrated schema, each keyed by its primary key', async () => {
    // Every migration file, wired into the runtime or not: a new one cannot slip past.
    const problems = await withEveryMigration(
      'safeguarding_encrypted_columns',
      join(__dirname, '../migrations'),
      (dataSource, schema) =>
        encryptedColumnRegistryProblems(dataSource, schema, SAFEGUARDING_ENCRYPTED_COLUMNS),
    );
    expect(problems).toEqual([]);
  });

  it('names each context after its column, as the code that encrypts it does', () => {
    for (const column of SAFEGUARDING_ENCRYPTED_COLUMNS) {
      expect(column.context).toBe(`${column.table}.${column.column.replace(/_encrypted$/, '')}`);
    }
  });
});
