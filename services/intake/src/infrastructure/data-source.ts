import { DataSource } from 'typeorm';
import { CreateIntake1764300000000 } from '../migrations/1764300000000-create-intake';
import { quoteIdentifier } from '@harbour/platform';

/** The intake service's own schema; created and evolved only by migrations. */
export function createIntakeDataSource(databaseUrl: string, schema: string): DataSource {
  quoteIdentifier(schema); // configuration becomes SQL: only a plain identifier passes
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    schema,
    migrations: [CreateIntake1764300000000],
    migrationsTableName: 'migrations',
    synchronize: false,
    extra: { max: 10, application_name: 'harbour-intake' },
  });
}
