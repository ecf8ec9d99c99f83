import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestSchema } from './test-schema';

/** A TypeORM migration class: what a migration file exports. */
export type MigrationClass = new () => { up(...args: never[]): Promise<unknown> };

/**
 * Every migration class exported by the files of `directory` (oldest first by file name), so a
 * test can migrate a schema with all of them — including one added without being wired into the
 * service's list yet.
 */
export function migrationsIn(directory: string): MigrationClass[] {
  return readdirSync(directory)
    .filter((file) => /^\d+-.+\.ts$/.test(file) && !/\.(int-)?spec\.ts$/.test(file))
    .sort()
    .flatMap((file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads files by name
      const exported = require(join(directory, file)) as Record<string, unknown>;
      return Object.values(exported).filter(
        (value): value is MigrationClass =>
          typeof value === 'function' &&
          typeof (value as { prototype?: { up?: unknown } }).prototype?.up === 'function',
      );
    });
}

/**
 * Runs `work` against a fresh test schema migrated by every migration file of
 * `migrationsDirectory` (see `migrationsIn`), then drops the schema.
 */
export async function withEveryMigration<T>(
  prefix: string,
  migrationsDirectory: string,
  work: (dataSource: DataSource, schema: string) => Promise<T>,
): Promise<T> {
  const schema = await createTestSchema(prefix);
  const dataSource = new DataSource({
    type: 'postgres',
    url: schema.databaseUrl,
    schema: schema.schema,
    migrations: migrationsIn(migrationsDirectory),
    migrationsTableName: 'migrations',
    poolSize: 2,
  });
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    return await work(dataSource, schema.schema);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await schema.drop();
  }
}
