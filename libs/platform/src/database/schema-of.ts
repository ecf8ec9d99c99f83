import type { DataSource } from 'typeorm';

/** The Postgres schema a DataSource was created for, if it names one. */
export function schemaOf(dataSource: DataSource): string | undefined {
  const { options } = dataSource;
  return options.type === 'postgres' ? options.schema : undefined;
}
