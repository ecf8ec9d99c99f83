import { Client } from 'pg';
import { testDatabaseUrl, uniqueName } from './infra';

export interface TestSchema {
  schema: string;
  databaseUrl: string;
  drop(): Promise<void>;
}

/** Tests refuse to run against a database whose name does not say it is for tests. */
export function assertTestDatabase(databaseUrl: string): void {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!/test/i.test(name)) {
    throw new Error(
      `Refusing to run tests against database "${name}": its name must contain "test".`,
    );
  }
}

async function withClient<T>(
  databaseUrl: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, uniquely named Postgres schema in the test database; `drop()` removes it. */
export async function createTestSchema(prefix: string): Promise<TestSchema> {
  const databaseUrl = testDatabaseUrl();
  assertTestDatabase(databaseUrl);
  const schema = uniqueName(prefix);
  await withClient(databaseUrl, (c) => c.query(`CREATE SCHEMA "${schema}"`));
  return {
    schema,
    databaseUrl,
    drop: async () => {
      await withClient(databaseUrl, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    },
  };
}
