import type {
  Address,
  ExpectedPeople,
  ExploitationType,
  LeadContact,
  OperationKind,
  OperationOutcome,
  OrganisationRef,
  PremisesKind,
  WelfareFindings,
} from '@harbour/contracts';
import { type FieldCipher, quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { Operation, OperationPlan, OperationState } from '../domain/operation';
import type { RecordedOutcome } from '../domain/operation-lifecycle';

/** Authenticated-data contexts of the encrypted columns (a value moved elsewhere won't decrypt). */
export const OPERATION_OPERATIONAL = 'operation.operational';
export const OPERATION_CANCELLATION_REASON = 'operation.cancellation_reason';
export const OPERATION_RESTRICTED_NOTES = 'operation_outcome.restricted_notes';

/** The address and lead contact: operational-level and personal, so stored encrypted. */
interface OperationalFields {
  address: Address;
  leadContact: LeadContact;
}

export interface OperationCancellation {
  at: Date;
  by: OrganisationRef;
  reason: string;
}

export interface StoredOutcome extends RecordedOutcome {
  recordedAt: Date;
  recordedBy: OrganisationRef;
}

/** An operation with everything recorded about it, decrypted: for its planner's eyes. */
export interface OperationRecord extends Operation {
  updatedAt: Date;
  cancellation?: OperationCancellation;
  outcome?: StoredOutcome;
}

interface OperationRow {
  id: string;
  planned_by_organisation_id: string;
  planned_by_organisation_kind: OrganisationRef['organisationKind'];
  planned_at: Date;
  state: OperationState;
  revision: number;
  updated_at: Date;
  kind: OperationKind;
  premises_kind: PremisesKind;
  borough: string;
  planned_start: Date;
  planned_end: Date;
  time_zone: string;
  expected_people: ExpectedPeople;
  children_likely: boolean;
  expected_languages: string[];
  exploitation_types: ExploitationType[];
  vulnerable_people_likely: boolean;
  operational_encrypted: string;
  cancelled_at: Date | null;
  cancelled_by_organisation_id: string | null;
  cancelled_by_organisation_kind: OrganisationRef['organisationKind'] | null;
  cancellation_reason_encrypted: string | null;
}

interface OutcomeRow {
  recorded_at: Date;
  recorded_by_organisation_id: string;
  recorded_by_organisation_kind: OrganisationRef['organisationKind'];
  people_encountered: number;
  potential_victims_identified: number;
  children_identified: number | null;
  nrm_referrals_made: number;
  duty_to_notify_reports: number | null;
  arrests: number;
  welfare_findings: WelfareFindings | null;
  restricted_notes_encrypted: string | null;
}

export class OperationRepository {
  private readonly schema: string;

  constructor(
    schema: string,
    private readonly cipher: FieldCipher,
  ) {
    this.schema = quoteIdentifier(schema);
  }

  async insert(manager: EntityManager, operation: Operation): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.schema}.operation
        (id, planned_by_organisation_id, planned_by_organisation_kind, planned_at, state, revision,
         updated_at, kind, premises_kind, borough, planned_start, planned_end, time_zone,
         expected_people, children_likely, expected_languages, exploitation_types,
         vulnerable_people_likely, operational_encrypted)
       VALUES ($1, $2, $3, $4, $5, $6, $4, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        operation.id,
        operation.plannedBy.organisationId,
        operation.plannedBy.organisationKind,
        operation.plannedAt,
        operation.state,
        operation.revision,
        operation.kind,
        ...this.planColumns(operation),
      ],
    );
  }

  /** The operation and its outcome; `lock` holds the row until the transaction ends. */
  async find(
    manager: EntityManager,
    id: string,
    lock: 'for_update' | 'no_lock' = 'no_lock',
  ): Promise<OperationRecord | undefined> {
    const rows: OperationRow[] = await manager.query(
      `SELECT * FROM ${this.schema}.operation WHERE id = $1 ${lock === 'for_update' ? 'FOR UPDATE' : ''}`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    const outcomes: OutcomeRow[] = await manager.query(
      `SELECT * FROM ${this.schema}.operation_outcome WHERE operation_id = $1`,
      [id],
    );
    const operational = this.cipher.decryptJson(
      row.operational_encrypted,
      OPERATION_OPERATIONAL,
    ) as OperationalFields;
    const outcome = outcomes[0];
    const cancellation = this.cancellationOf(row);
    return {
      id: row.id,
      plannedBy: {
        organisationId: row.planned_by_organisation_id,
        organisationKind: row.planned_by_organisation_kind,
      },
      plannedAt: row.planned_at,
      state: row.state,
      revision: row.revision,
      updatedAt: row.updated_at,
      kind: row.kind,
      premisesKind: row.premises_kind,
      address: operational.address,
      borough: row.borough,
      plannedStart: row.planned_start,
      plannedEnd: row.planned_end,
      timeZone: row.time_zone,
      expectedPeople: row.expected_people,
      childrenLikely: row.children_likely,
      expectedLanguages: row.expected_languages,
      exploitationTypes: row.exploitation_types,
      vulnerablePeopleLikely: row.vulnerable_people_likely,
      leadContact: operational.leadContact,
      ...(cancellation ? { cancellation } : {}),
      ...(outcome ? { outcome: this.outcomeOf(outcome) } : {}),
    };
  }

  /** Replaces the plan with its next revision. */
  async saveRevision(
    manager: EntityManager,
    id: string,
    plan: OperationPlan,
    revision: number,
    at: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.operation
          SET revision = $2, updated_at = $3, premises_kind = $4, borough = $5,
              planned_start = $6, planned_end = $7, time_zone = $8, expected_people = $9,
              children_likely = $10, expected_languages = $11, exploitation_types = $12,
              vulnerable_people_likely = $13, operational_encrypted = $14
        WHERE id = $1`,
      [id, revision, at, ...this.planColumns(plan)],
    );
  }

  async markCancelled(
    manager: EntityManager,
    id: string,
    cancellation: OperationCancellation,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.operation
          SET state = 'cancelled', updated_at = $2, cancelled_at = $2,
              cancelled_by_organisation_id = $3, cancelled_by_organisation_kind = $4,
              cancellation_reason_encrypted = $5
        WHERE id = $1`,
      [
        id,
        cancellation.at,
        cancellation.by.organisationId,
        cancellation.by.organisationKind,
        this.cipher.encrypt(cancellation.reason, OPERATION_CANCELLATION_REASON),
      ],
    );
  }

  async insertOutcome(manager: EntityManager, id: string, recorded: StoredOutcome): Promise<void> {
    const { outcome } = recorded;
    await manager.query(
      `INSERT INTO ${this.schema}.operation_outcome
        (operation_id, recorded_at, recorded_by_organisation_id, recorded_by_organisation_kind,
         people_encountered, potential_victims_identified, children_identified,
         nrm_referrals_made, duty_to_notify_reports, arrests, welfare_findings,
         restricted_notes_encrypted)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        id,
        recorded.recordedAt,
        recorded.recordedBy.organisationId,
        recorded.recordedBy.organisationKind,
        outcome.peopleEncountered,
        outcome.potentialVictimsIdentified,
        outcome.childrenIdentified ?? null,
        outcome.nrmReferralsMade,
        outcome.dutyToNotifyReports ?? null,
        outcome.arrests,
        outcome.welfareFindings ? JSON.stringify(outcome.welfareFindings) : null,
        recorded.restrictedNotes !== undefined
          ? this.cipher.encrypt(recorded.restrictedNotes, OPERATION_RESTRICTED_NOTES)
          : null,
      ],
    );
    await manager.query(
      `UPDATE ${this.schema}.operation SET state = 'outcome_recorded', updated_at = $2 WHERE id = $1`,
      [id, recorded.recordedAt],
    );
  }

  /** premises_kind … operational_encrypted, in that order (shared by insert and revision). */
  private planColumns(plan: OperationPlan): unknown[] {
    const operational: OperationalFields = {
      address: plan.address,
      leadContact: plan.leadContact,
    };
    return [
      plan.premisesKind,
      plan.borough,
      plan.plannedStart,
      plan.plannedEnd,
      plan.timeZone,
      JSON.stringify(plan.expectedPeople),
      plan.childrenLikely,
      plan.expectedLanguages,
      plan.exploitationTypes,
      plan.vulnerablePeopleLikely,
      this.cipher.encryptJson(operational, OPERATION_OPERATIONAL),
    ];
  }

  private cancellationOf(row: OperationRow): OperationCancellation | undefined {
    const at = row.cancelled_at;
    const organisationId = row.cancelled_by_organisation_id;
    const organisationKind = row.cancelled_by_organisation_kind;
    const reason = row.cancellation_reason_encrypted;
    if (at === null || organisationId === null || organisationKind === null || reason === null) {
      return undefined;
    }
    return {
      at,
      by: { organisationId, organisationKind },
      reason: this.cipher.decrypt(reason, OPERATION_CANCELLATION_REASON),
    };
  }

  private outcomeOf(row: OutcomeRow): StoredOutcome {
    const outcome: OperationOutcome = {
      peopleEncountered: row.people_encountered,
      potentialVictimsIdentified: row.potential_victims_identified,
      ...(row.children_identified !== null ? { childrenIdentified: row.children_identified } : {}),
      nrmReferralsMade: row.nrm_referrals_made,
      ...(row.duty_to_notify_reports !== null
        ? { dutyToNotifyReports: row.duty_to_notify_reports }
        : {}),
      arrests: row.arrests,
      ...(row.welfare_findings !== null ? { welfareFindings: row.welfare_findings } : {}),
    };
    return {
      recordedAt: row.recorded_at,
      recordedBy: {
        organisationId: row.recorded_by_organisation_id,
        organisationKind: row.recorded_by_organisation_kind,
      },
      outcome,
      ...(row.restricted_notes_encrypted !== null
        ? {
            restrictedNotes: this.cipher.decrypt(
              row.restricted_notes_encrypted,
              OPERATION_RESTRICTED_NOTES,
            ),
          }
        : {}),
    };
  }
}
