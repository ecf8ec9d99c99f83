import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const NIL_UUID = `'00000000-0000-0000-0000-000000000000'::uuid`;

/**
 * Alerts end: `harbour.alert.cancelled` closes one (`closed`, with when and why, shown to its
 * recipients), and an alert that `supersedes` another makes that one `superseded`. The old
 * `cancelled` state becomes `closed`. Recipients are told through `closure` and `supersession`
 * deliveries.
 *
 * Released stages may now narrow their audience to `roles`, and an alert may release several
 * stages of one level (a Philomena profile for police, then a sighting note for everyone cleared),
 * so a stage gets its own id; a stage is the same stage when its content is (`fingerprint`), and
 * follow-up deliveries point at the stage they show (`delivery.stage_id`).
 */
export class AlertClosure1764700000000 implements MigrationInterface {
  name = 'AlertClosure1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');

    await queryRunner.query(`ALTER TABLE ${s}.alert DROP CONSTRAINT IF EXISTS alert_state_check`);
    await queryRunner.query(`
      ALTER TABLE ${s}.alert
        ADD COLUMN closed_at timestamptz NULL,
        ADD COLUMN closure_reason text NULL
          CHECK (closure_reason IS NULL OR char_length(closure_reason) BETWEEN 1 AND 500),
        ADD COLUMN supersedes uuid NULL,
        ADD COLUMN superseded_by uuid NULL REFERENCES ${s}.alert (id),
        ADD COLUMN superseded_at timestamptz NULL`);
    // Alerts settled as `cancelled` before closure existed: closed, with no reason to show.
    await queryRunner.query(
      `UPDATE ${s}.alert SET state = 'closed', closed_at = now() WHERE state = 'cancelled'`,
    );
    await queryRunner.query(`
      ALTER TABLE ${s}.alert
        ADD CONSTRAINT alert_state_check
          CHECK (state IN ('open', 'acknowledged', 'closed', 'superseded')),
        ADD CONSTRAINT alert_closed_check CHECK (state <> 'closed' OR closed_at IS NOT NULL),
        ADD CONSTRAINT alert_superseded_check
          CHECK (state <> 'superseded' OR (superseded_by IS NOT NULL AND superseded_at IS NOT NULL))`);
    // No foreign key on `supersedes`: the alert it names may be recorded after it.
    await queryRunner.query(
      `CREATE INDEX alert_supersedes_idx ON ${s}.alert (supersedes) WHERE supersedes IS NOT NULL`,
    );

    await queryRunner.query(
      `ALTER TABLE ${s}.delivery DROP CONSTRAINT IF EXISTS delivery_purpose_check`,
    );
    await queryRunner.query(`
      ALTER TABLE ${s}.delivery ADD CONSTRAINT delivery_purpose_check
        CHECK (purpose IN ('alert', 'escalation', 'follow_up', 'closure', 'supersession'))`);

    await queryRunner.query(`
      ALTER TABLE ${s}.alert_stage
        ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid(),
        ADD COLUMN fingerprint text NULL,
        ADD COLUMN roles text[] NULL CHECK (roles IS NULL OR cardinality(roles) > 0)`);
    // Stages released before: one per level, as they were.
    await queryRunner.query(
      `UPDATE ${s}.alert_stage SET fingerprint = 'level:' || level WHERE fingerprint IS NULL`,
    );
    await queryRunner.query(`
      ALTER TABLE ${s}.alert_stage
        ALTER COLUMN fingerprint SET NOT NULL,
        ALTER COLUMN id DROP DEFAULT,
        DROP CONSTRAINT alert_stage_pkey,
        ADD PRIMARY KEY (id),
        ADD CONSTRAINT alert_stage_once UNIQUE (alert_id, fingerprint)`);

    await queryRunner.query(
      `ALTER TABLE ${s}.delivery ADD COLUMN stage_id uuid NULL REFERENCES ${s}.alert_stage (id)`,
    );
    await queryRunner.query(`
      UPDATE ${s}.delivery d SET stage_id = st.id
        FROM ${s}.alert_stage st
       WHERE d.purpose = 'follow_up' AND st.alert_id = d.alert_id AND st.level = d.stage`);
    await queryRunner.query(`DROP INDEX IF EXISTS ${s}.delivery_once_idx`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX delivery_once_idx ON ${s}.delivery
        (alert_id, contact_id, purpose, coalesce(escalation_level, -1), coalesce(escalation_loop, -1),
         coalesce(stage, ''), coalesce(stage_id, ${NIL_UUID}))`);

    // The sweep removes the queue jobs of cancelled timers: only those still marked queued.
    await queryRunner.query(`
      CREATE INDEX escalation_timer_disarm_idx ON ${s}.escalation_timer (id)
        WHERE state = 'cancelled' AND enqueued_at IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`DROP INDEX IF EXISTS ${s}.escalation_timer_disarm_idx`);
    await queryRunner.query(`DELETE FROM ${s}.delivery_event WHERE delivery_id IN
      (SELECT id FROM ${s}.delivery WHERE purpose IN ('closure', 'supersession'))`);
    await queryRunner.query(
      `DELETE FROM ${s}.delivery WHERE purpose IN ('closure', 'supersession')`,
    );
    await queryRunner.query(`DROP INDEX IF EXISTS ${s}.delivery_once_idx`);
    await queryRunner.query(`ALTER TABLE ${s}.delivery DROP COLUMN stage_id`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX delivery_once_idx ON ${s}.delivery
        (alert_id, contact_id, purpose, coalesce(escalation_level, -1), coalesce(escalation_loop, -1), coalesce(stage, ''))`);
    await queryRunner.query(`
      ALTER TABLE ${s}.alert_stage
        DROP CONSTRAINT alert_stage_once,
        DROP CONSTRAINT alert_stage_pkey,
        DROP COLUMN id, DROP COLUMN fingerprint, DROP COLUMN roles,
        ADD PRIMARY KEY (alert_id, level)`);
    await queryRunner.query(
      `ALTER TABLE ${s}.delivery DROP CONSTRAINT IF EXISTS delivery_purpose_check`,
    );
    await queryRunner.query(`
      ALTER TABLE ${s}.delivery ADD CONSTRAINT delivery_purpose_check
        CHECK (purpose IN ('alert', 'escalation', 'follow_up'))`);
    await queryRunner.query(`DROP INDEX IF EXISTS ${s}.alert_supersedes_idx`);
    await queryRunner.query(`
      ALTER TABLE ${s}.alert
        DROP CONSTRAINT alert_superseded_check,
        DROP CONSTRAINT alert_closed_check,
        DROP CONSTRAINT alert_state_check`);
    await queryRunner.query(
      `UPDATE ${s}.alert SET state = 'cancelled' WHERE state IN ('closed', 'superseded')`,
    );
    await queryRunner.query(`
      ALTER TABLE ${s}.alert
        DROP COLUMN closed_at, DROP COLUMN closure_reason, DROP COLUMN supersedes,
        DROP COLUMN superseded_by, DROP COLUMN superseded_at,
        ADD CONSTRAINT alert_state_check CHECK (state IN ('open', 'acknowledged', 'cancelled'))`);
  }
}
