import type { OrganisationRef } from '@harbour/contracts';
import { type FieldCipher, quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { LinkedReferral } from '../domain/missing-episode';
import type { NrmDecision } from '../domain/nrm-deadlines';
import type { Referral, ReferralMechanism, ReferralSubject } from '../domain/referral';
import { isOpenNrmReferral } from '../domain/referral-decision';

/** Authenticated-data context of the encrypted column (a value moved elsewhere won't decrypt). */
export const REFERRAL_PERSONAL = 'referral.personal';

export interface RecordedNrmDecision extends NrmDecision {
  recordedAt: Date;
  recordedBy: OrganisationRef;
}

/** A referral as reads and decisions see it: no personal fields. */
export interface ReferralRecord {
  id: string;
  submittedBy: OrganisationRef;
  submittedAt: Date;
  submittedOn: string;
  mechanism: ReferralMechanism;
  borough: string;
  subject: ReferralSubject;
  exploitationTypes: string[];
  decisions: RecordedNrmDecision[];
}

interface ReferralRow {
  id: string;
  submitted_by_organisation_id: string;
  submitted_by_organisation_kind: OrganisationRef['organisationKind'];
  submitted_at: Date;
  submitted_on: string;
  mechanism: ReferralMechanism;
  borough: string;
  subject: ReferralSubject;
  exploitation_types: string[];
}

interface DecisionRow {
  stage: NrmDecision['stage'];
  outcome: NrmDecision['outcome'];
  decided_on: string;
  support_ends_on: string | null;
  move_on_deadline: string | null;
  move_on_deadline_rule: string | null;
  recorded_at: Date;
  recorded_by_organisation_id: string;
  recorded_by_organisation_kind: OrganisationRef['organisationKind'];
}

// Dates as text: node-postgres would turn a `date` into a local-midnight Date.
const REFERRAL_COLUMNS = `id, submitted_by_organisation_id, submitted_by_organisation_kind,
  submitted_at, submitted_on::text AS submitted_on, mechanism, borough, subject, exploitation_types`;

export class ReferralRepository {
  private readonly schema: string;

  constructor(
    schema: string,
    private readonly cipher: FieldCipher,
  ) {
    this.schema = quoteIdentifier(schema);
  }

  async insert(manager: EntityManager, referral: Referral): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.schema}.referral
        (id, submitted_by_organisation_id, submitted_by_organisation_kind, submitted_at,
         submitted_on, mechanism, borough, subject, exploitation_types, languages, indicators,
         locations, consent, accommodation_need, personal_encrypted)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        referral.id,
        referral.submittedBy.organisationId,
        referral.submittedBy.organisationKind,
        referral.submittedAt,
        referral.submittedOn,
        referral.mechanism,
        referral.borough,
        JSON.stringify(referral.subject),
        referral.exploitationTypes,
        referral.languages,
        JSON.stringify(referral.indicators),
        JSON.stringify(referral.locations),
        JSON.stringify(referral.consent),
        referral.accommodationNeed ? JSON.stringify(referral.accommodationNeed) : null,
        this.cipher.encryptJson(referral.personal, REFERRAL_PERSONAL),
      ],
    );
  }

  /** The referral and its decisions; `lock` holds the row until the transaction ends. */
  async find(
    manager: EntityManager,
    id: string,
    lock: 'for_update' | 'no_lock' = 'no_lock',
  ): Promise<ReferralRecord | undefined> {
    const rows: ReferralRow[] = await manager.query(
      `SELECT ${REFERRAL_COLUMNS} FROM ${this.schema}.referral WHERE id = $1
       ${lock === 'for_update' ? 'FOR UPDATE' : ''}`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    const decisions: DecisionRow[] = await manager.query(
      `SELECT stage, outcome, decided_on::text AS decided_on, support_ends_on::text AS support_ends_on,
              move_on_deadline::text AS move_on_deadline, move_on_deadline_rule, recorded_at,
              recorded_by_organisation_id, recorded_by_organisation_kind
         FROM ${this.schema}.referral_decision WHERE referral_id = $1 ORDER BY recorded_at`,
      [id],
    );
    return {
      id: row.id,
      submittedBy: {
        organisationId: row.submitted_by_organisation_id,
        organisationKind: row.submitted_by_organisation_kind,
      },
      submittedAt: row.submitted_at,
      submittedOn: row.submitted_on,
      mechanism: row.mechanism,
      borough: row.borough,
      subject: row.subject,
      exploitationTypes: row.exploitation_types,
      decisions: decisions.map((d) => ({
        stage: d.stage,
        outcome: d.outcome,
        decidedOn: d.decided_on,
        ...(d.support_ends_on !== null ? { supportEndsOn: d.support_ends_on } : {}),
        ...(d.move_on_deadline !== null ? { moveOnDeadline: d.move_on_deadline } : {}),
        ...(d.move_on_deadline_rule !== null
          ? { moveOnDeadlineRule: d.move_on_deadline_rule }
          : {}),
        recordedAt: d.recorded_at,
        recordedBy: {
          organisationId: d.recorded_by_organisation_id,
          organisationKind: d.recorded_by_organisation_kind,
        },
      })),
    };
  }

  async insertDecision(
    manager: EntityManager,
    referralId: string,
    decision: RecordedNrmDecision,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.schema}.referral_decision
        (referral_id, stage, outcome, decided_on, support_ends_on, move_on_deadline,
         move_on_deadline_rule, recorded_at, recorded_by_organisation_id,
         recorded_by_organisation_kind)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        referralId,
        decision.stage,
        decision.outcome,
        decision.decidedOn,
        decision.supportEndsOn ?? null,
        decision.moveOnDeadline ?? null,
        decision.moveOnDeadlineRule ?? null,
        decision.recordedAt,
        decision.recordedBy.organisationId,
        decision.recordedBy.organisationKind,
      ],
    );
  }

  /** For a missing-episode report's linkedReferralId. */
  async findLinkable(manager: EntityManager, id: string): Promise<LinkedReferral | undefined> {
    const referral = await this.find(manager, id);
    if (!referral) return undefined;
    return { id: referral.id, isOpenNrmReferral: isOpenNrmReferral(referral) };
  }
}
