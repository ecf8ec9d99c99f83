import { createServiceDataSource, runMigrationsLocked } from '@harbour/platform';
import { createTestSchema, type TestSchema } from '@harbour/testing';
import type { DataSource } from 'typeorm';
import { NOTIFICATION_MIGRATIONS } from '../migrations';

export interface NotificationTestDatabase {
  schema: TestSchema;
  dataSource: DataSource;
}

/** A fresh schema in the test database with every notification migration run on it. */
export async function openNotificationTestDatabase(
  prefix: string,
  poolSize = 4,
): Promise<NotificationTestDatabase> {
  const schema = await createTestSchema(prefix);
  const dataSource = createServiceDataSource({
    service: 'notification-test',
    databaseUrl: schema.databaseUrl,
    schema: schema.schema,
    migrations: NOTIFICATION_MIGRATIONS,
    poolSize,
  });
  await runMigrationsLocked(dataSource, `harbour:${schema.schema}`);
  return { schema, dataSource };
}
