import { DataSource } from 'typeorm';
import { CreateAccommodation1764300000000 } from '../migrations/1764300000000-create-accommodation';
import { quoteIdentifier } from '@harbour/platform';

export function createAccommodationDataSource(databaseUrl: string, schema: string): DataSource {
  quoteIdentifier(schema); // configuration becomes SQL: only a plain identifier passes
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    schema,
    migrations: [CreateAccommodation1764300000000],
    migrationsTableName: 'migrations',
    synchronize: false,
    extra: { max: 5, application_name: 'harbour-accommodation' },
  });
}
