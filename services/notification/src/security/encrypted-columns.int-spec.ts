import { join } from 'node:path';
import { encryptedColumnRegistryProblems } from '@harbour/platform';
import { withEveryMigration } from '@harbour/testing';
import { NOTIFICATION_ENCRYPTED_COLUMNS } from './encrypted-columns';

jest.setTimeout(60_000);

describe("notification's encrypted columns (what re-encryption after a key rotation walks)", () => {
  it('lists every *_encrypted column of the migrated schema, each keyed by its primary key', async () => {
    // Every migration file, wired into the runtime or not: a new one cannot slip past.
    const problems = await withEveryMigration(
      'notification_encrypted_columns',
      join(__dirname, '../migrations'),
      (dataSource, schema) =>
        encryptedColumnRegistryProblems(dataSource, schema, NOTIFICATION_ENCRYPTED_COLUMNS),
    );
    expect(problems).toEqual([]);
  });

  it('names each context after its column, as the code that encrypts it does', () => {
    for (const column of NOTIFICATION_ENCRYPTED_COLUMNS) {
      expect(column.context).toBe(`${column.table}.${column.column.replace(/_encrypted$/, '')}`);
    }
  });
});
