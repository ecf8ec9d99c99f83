import { readdirSync } from 'node:fs';
import { join } from 'node:path';

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
