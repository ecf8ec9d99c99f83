import {
  assertTestDatabase,
  createTestSchema,
  testDatabaseUrl,
  type TestSchema,
} from '@harbour/testing';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { PREPARE_AFTER_RUNS } from './prepared-statements';
import { queryRows } from './query-rows';
import { createServiceDataSource } from './service-database';

jest.setTimeout(60_000);

describe('repeated statements are prepared once per connection (real Postgres)', () => {
  let schema: TestSchema;
  let dataSource: DataSource;
  let table: string;
  let runner: QueryRunner;
  let on: EntityManager;

  beforeAll(async () => {
    assertTestDatabase(testDatabaseUrl());
    schema = await createTestSchema('prepared');
    table = `"${schema.schema}".item`;
    dataSource = createServiceDataSource({
      service: 'prepared-test',
      databaseUrl: schema.databaseUrl,
      schema: schema.schema,
      migrations: [],
    });
    await dataSource.initialize();
    // One connection for every statement below, so what it prepared can be read back on it.
    runner = dataSource.createQueryRunner();
    await runner.connect();
    on = runner.manager;
    await on.query(`CREATE TABLE ${table} (id int PRIMARY KEY, label text NOT NULL)`);
  });

  afterAll(async () => {
    await runner.release();
    await dataSource.destroy();
    await schema.drop();
  });

  const preparedHere = async (): Promise<{ name: string; statement: string }[]> =>
    queryRows(
      on,
      `SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE '%' || $1 || '%'`,
      [schema.schema],
    );

  it('runs a statement unnamed at first, then prepared, with the same results', async () => {
    const insert = `INSERT INTO ${table} (id, label) VALUES ($1, $2) RETURNING id, label`;
    const results: unknown[] = [];
    for (let id = 1; id <= PREPARE_AFTER_RUNS + 3; id += 1) {
      results.push(await queryRows(on, insert, [id, `item ${id}`]));
      const prepared = await preparedHere();
      // Prepared from its PREPARE_AFTER_RUNS-th run on, and only once.
      expect(prepared.filter((p) => p.statement === insert)).toHaveLength(
        id >= PREPARE_AFTER_RUNS ? 1 : 0,
      );
    }
    expect(results).toEqual(
      Array.from({ length: PREPARE_AFTER_RUNS + 3 }, (_, i) => [
        { id: i + 1, label: `item ${i + 1}` },
      ]),
    );
  });

  it('still answers correctly, in and out of transactions, after the table changes', async () => {
    const read = `SELECT label FROM ${table} WHERE id = $1`;
    for (let run = 0; run < PREPARE_AFTER_RUNS; run += 1) {
      expect(await queryRows(on, read, [1])).toEqual([{ label: 'item 1' }]);
    }
    await on.query(`ALTER TABLE ${table} ADD COLUMN note text`);
    await on.query(`UPDATE ${table} SET label = 'changed' WHERE id = 1`);
    expect(await queryRows(on, read, [1])).toEqual([{ label: 'changed' }]);
    await runner.startTransaction();
    expect(await queryRows(on, read, [1])).toEqual([{ label: 'changed' }]);
    await runner.commitTransaction();
  });

  it('fails once, then runs unnamed, when a migration widens a table read with SELECT *', async () => {
    await on.query(`CREATE TABLE ${table}_wide (id int PRIMARY KEY, a text)`);
    await on.query(`INSERT INTO ${table}_wide VALUES (1, 'one')`);
    const readAll = `SELECT * FROM ${table}_wide WHERE id = $1`;
    for (let run = 0; run < PREPARE_AFTER_RUNS; run += 1) {
      expect(await queryRows(on, readAll, [1])).toEqual([{ id: 1, a: 'one' }]);
    }
    // What a rolling deployment does to a process still running the previous version.
    await on.query(`ALTER TABLE ${table}_wide ADD COLUMN b text DEFAULT 'two'`);
    await expect(queryRows(on, readAll, [1])).rejects.toThrow(/cached plan/);
    for (let run = 0; run < PREPARE_AFTER_RUNS + 1; run += 1) {
      expect(await queryRows(on, readAll, [1])).toEqual([{ id: 1, a: 'one', b: 'two' }]);
    }
  });

  it('leaves statements without parameters unprepared', async () => {
    const count = `SELECT count(*)::int AS n FROM ${table}`;
    for (let run = 0; run < PREPARE_AFTER_RUNS + 1; run += 1) await on.query(count);
    expect((await preparedHere()).filter((p) => p.statement === count)).toEqual([]);
  });
});
