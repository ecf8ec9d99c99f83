import {
  AuditLog,
  createAuditLogTables,
  createServiceDataSource,
  systemActor,
} from '@harbour/platform';
import { createTestSchema, testDatabaseUrl, type TestSchema } from '@harbour/testing';
import type { DataSource } from 'typeorm';
import { exportAudit, verifyAudit } from './audit-commands';
import { type CliContext, openCliContext } from './cli-context';
import { CliError } from './cli-error';

jest.setTimeout(60_000);

/**
 * `harbour audit` reads the other services' chains from their schemas in the same database:
 * intake's here (a real chain made the way its migration makes it); a service whose schema has
 * no chain is skipped by `verify` of all chains, and refused when asked for by name.
 */
describe('harbour audit over the other services’ chains', () => {
  const schemas: TestSchema[] = [];
  let intake: DataSource;
  let context: CliContext;

  beforeAll(async () => {
    const [notification, identity, intakeSchema, emptySchema] = await Promise.all(
      ['notification_chains', 'identity_chains', 'intake_chains', 'no_chain'].map(createTestSchema),
    );
    schemas.push(notification!, identity!, intakeSchema!, emptySchema!);
    intake = createServiceDataSource({
      service: 'intake-chain-test',
      databaseUrl: testDatabaseUrl(),
      schema: intakeSchema!.schema,
      migrations: [],
      poolSize: 2,
    });
    await intake.initialize();
    const runner = intake.createQueryRunner();
    try {
      await createAuditLogTables(runner, intakeSchema!.schema);
    } finally {
      await runner.release();
    }
    const log = new AuditLog(intake);
    for (const id of ['a', 'b', 'c']) {
      await intake.transaction((manager) =>
        log.append(manager, {
          actor: systemActor('intake'),
          action: 'personal_data.read',
          resource: { kind: 'operation', id },
          reason: 'GET /v1/operations/:id',
          details: { fields: ['address'] },
        }),
      );
    }
    context = await openCliContext({
      databaseUrl: testDatabaseUrl(),
      notificationSchema: notification!.schema,
      identitySchema: identity!.schema,
      serviceSchemas: {
        intake: intakeSchema!.schema,
        safeguarding: emptySchema!.schema,
        accommodation: `${emptySchema!.schema}_missing`,
      },
    });
  });

  afterAll(async () => {
    await context.close();
    await intake.destroy();
    for (const schema of schemas) await schema.drop();
  });

  it('verifies every chain there is and says which services have none here', async () => {
    const verified = await verifyAudit(context);
    expect(verified.map((v) => [v.chain, 'absent' in v ? 'absent' : v.entries])).toEqual([
      ['notification', 0],
      ['identity', 0],
      ['intake', 3],
      ['safeguarding', 'absent'],
      ['accommodation', 'absent'],
    ]);
  });

  it('exports a service chain and detects tampering with it', async () => {
    const lines: string[] = [];
    expect(await exportAudit(context, { chain: 'intake' }, (line) => lines.push(line))).toBe(3);
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1, 2, 3]);

    await expect(verifyAudit(context, { chain: 'safeguarding' })).rejects.toThrow(
      'there is no safeguarding audit chain in this database',
    );

    // The table's owner disables the append-only trigger and rewrites an entry: verify says so.
    const schema = schemas[2]!.schema;
    await intake.query(`ALTER TABLE "${schema}".audit_log DISABLE TRIGGER USER`);
    await intake.query(
      `UPDATE "${schema}".audit_log SET details = '{"fields":["person"]}' WHERE seq = 2`,
    );
    const broken = verifyAudit(context, { chain: 'intake' });
    await expect(broken).rejects.toThrow(CliError);
    await expect(broken).rejects.toThrow('intake audit chain is broken at entry 2');
  });
});
