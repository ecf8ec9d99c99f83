import { quoteIdentifier } from '@harbour/platform';
import { DataSource } from 'typeorm';
import { NOTIFICATION_MIGRATIONS } from '../migrations';

/** The notification service's own schema; created and evolved only by migrations. */
export function createNotificationDataSource(
  databaseUrl: string,
  schema: string,
  poolSize = 10,
): DataSource {
  quoteIdentifier(schema);
  return new DataSource({
    type: 'postgres',
    url: databaseUrl,
    schema,
    migrations: NOTIFICATION_MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    poolSize,
    applicationName: 'harbour-notification',
  });
}
