import { DataSource } from 'typeorm';
import { CreateSafeguarding1764300000000 } from '../migrations/1764300000000-create-safeguarding';
import { quoteIdentifier } from '@harbour/platform';

export function createSafeguardingDataSource(databaseUrl: string, schema: string): DataSource {
  quoteIdentifier(schema); // configuration becomes SQL: only a plain identifier passes
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    schema,
    migrations: [CreateSafeguarding1764300000000],
    migrationsTableName: 'migrations',
    synchronize: false,
    extra: { max: 10, application_name: 'harbour-safeguarding' },
  });
}
