import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier, schemaOf } from '@harbour/platform';

/**
 * The London map counts operations, children's missing episodes and referrals by borough over a
 * period: each table gets an index in the order of the period's column, carrying the borough
 * (and the state the count filters on), so a period is a range scan that need not visit rows.
 */
export class BoroughCountIndexes1766400000000 implements MigrationInterface {
  name = 'BoroughCountIndexes1766400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(
      `CREATE INDEX operation_planned_borough_idx ON ${s}.operation (planned_at) INCLUDE (borough, state)`,
    );
    await queryRunner.query(
      `CREATE INDEX missing_episode_child_reported_idx ON ${s}.missing_episode (reported_at)
         INCLUDE (borough, status) WHERE is_child`,
    );
    await queryRunner.query(
      `CREATE INDEX referral_submitted_borough_idx ON ${s}.referral (submitted_at) INCLUDE (borough)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`DROP INDEX IF EXISTS ${s}.referral_submitted_borough_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS ${s}.missing_episode_child_reported_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS ${s}.operation_planned_borough_idx`);
  }
}
