import { join } from 'node:path';
import {
  createServiceDataSource,
  encryptedColumnRegistryProblems,
  runMigrationsLocked,
} from '@harbour/platform';
import { createTestSchema, migrationsIn } from '@harbour/testing';
import { INTAKE_ENCRYPTED_COLUMNS } from './encrypted-columns';

jest.setTimeout(60_000);

describe("intake's encrypted columns (what re-encryption after a key rotation walks)", () => {
  it('lists every *_encrypted column of the migrated schema, each keyed by its primary key', async () => {
    const schema = await createTestSchema('intake_encrypted_columns');
    // Every migration file, wired into the runtime or not: a new one cannot slip past.
    const dataSource = createServiceDataSource({
      service: 'intake-encrypted-columns-test',
      databaseUrl: schema.databaseUrl,
      schema: schema.schema,
      migrations: migrationsIn(join(__dirname, '../migrations')),
      poolSize: 2,
    });
    try {
      await runMigrationsLocked(dataSource, `harbour:${schema.schema}`);
      expect(
        await encryptedColumnRegistryProblems(dataSource, schema.schema, INTAKE_ENCRYPTED_COLUMNS),
      ).toEqual([]);
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
      await schema.drop();
    }
  });

  it('names each context after its column, as the code that encrypts it does', () => {
    for (const column of INTAKE_ENCRYPTED_COLUMNS) {
      expect(column.context).toBe(`${column.table}.${column.column.replace(/_encrypted$/, '')}`);
    }
  });
});
