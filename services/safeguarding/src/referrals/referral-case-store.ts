import { quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import { openNrmReferral } from '../known-victims/open-cases';

export interface NewReferralCase {
  referralId: string;
  mechanism: 'nrm' | 'duty_to_notify';
  isChild: boolean;
  ageDisputed: boolean;
  borough: string;
  shareWith: string[];
  submittedAt: string;
  /** FieldCipher token of the personal fields; always absent for Duty to Notify. */
  personalEncrypted?: string;
  submittedEventId: string;
}

export interface ReferralCase {
  referralId: string;
  mechanism: 'nrm' | 'duty_to_notify';
  isChild: boolean;
  borough: string;
  shareWith: string[];
  status: 'open' | 'closed';
}

/** Safeguarding's record of referral cases and their decisions. */
export class ReferralCaseStore {
  private readonly schema: string;

  constructor(schema: string) {
    this.schema = quoteIdentifier(schema);
  }

  /** False when the case was already recorded (the same referral delivered again). */
  async insert(manager: EntityManager, referral: NewReferralCase): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO ${this.schema}.referral_case
         (referral_id, mechanism, is_child, age_disputed, borough, share_with, status,
          submitted_at, personal_encrypted, submitted_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9)
       ON CONFLICT (referral_id) DO NOTHING
       RETURNING referral_id`,
      [
        referral.referralId,
        referral.mechanism,
        referral.isChild,
        referral.ageDisputed,
        referral.borough,
        referral.shareWith,
        referral.submittedAt,
        referral.mechanism === 'nrm' ? (referral.personalEncrypted ?? null) : null,
        referral.submittedEventId,
      ],
    );
    return rows.length > 0;
  }

  async find(manager: EntityManager, referralId: string): Promise<ReferralCase | undefined> {
    const rows = await manager.query<
      {
        referral_id: string;
        mechanism: 'nrm' | 'duty_to_notify';
        is_child: boolean;
        borough: string;
        share_with: string[];
        status: 'open' | 'closed';
      }[]
    >(
      `SELECT referral_id, mechanism, is_child, borough, share_with, status
         FROM ${this.schema}.referral_case WHERE referral_id = $1 FOR UPDATE`,
      [referralId],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      referralId: row.referral_id,
      mechanism: row.mechanism,
      isChild: row.is_child,
      borough: row.borough,
      shareWith: row.share_with,
      status: row.status,
    };
  }

  /** False when this stage already has a decision (recorded once). */
  async recordDecision(
    manager: EntityManager,
    decision: {
      referralId: string;
      stage: string;
      outcome: string;
      decidedOn: string;
      moveOnDeadline?: string;
      eventId: string;
    },
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO ${this.schema}.referral_decision
         (referral_id, stage, outcome, decided_on, move_on_deadline, event_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (referral_id, stage) DO NOTHING
       RETURNING referral_id`,
      [
        decision.referralId,
        decision.stage,
        decision.outcome,
        decision.decidedOn,
        decision.moveOnDeadline ?? null,
        decision.eventId,
      ],
    );
    return rows.length > 0;
  }

  async updateState(
    manager: EntityManager,
    referralId: string,
    state: { status: 'open' | 'closed'; supportEndsOn?: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.referral_case
          SET status = $2, support_ends_on = COALESCE($3::date, support_ends_on), updated_at = now()
        WHERE referral_id = $1`,
      [referralId, state.status, state.supportEndsOn ?? null],
    );
  }

  /** Whether an open NRM referral has one of these person keys (blind indexes). */
  async openNrmReferralMatches(
    manager: EntityManager,
    blindIndexes: readonly string[],
    today: string,
  ): Promise<boolean> {
    if (blindIndexes.length === 0) return false;
    const rows = await manager.query<{ open: boolean }[]>(
      `SELECT EXISTS (
         SELECT 1 FROM ${this.schema}.person_key k
           JOIN ${this.schema}.referral_case c ON c.referral_id = k.case_id
          WHERE k.case_kind = 'referral' AND k.blind_index = ANY($1::text[])
            AND ${openNrmReferral('c', '$2')}
       ) AS open`,
      [blindIndexes, today],
    );
    return rows[0]?.open === true;
  }

  /** Whether this referral (named on the report by its reporter) is an open NRM referral. */
  async isOpenNrmReferral(
    manager: EntityManager,
    referralId: string,
    today: string,
  ): Promise<boolean> {
    const rows = await manager.query<{ open: boolean }[]>(
      `SELECT EXISTS (
         SELECT 1 FROM ${this.schema}.referral_case c
          WHERE c.referral_id = $1 AND ${openNrmReferral('c', '$2')}
       ) AS open`,
      [referralId, today],
    );
    return rows[0]?.open === true;
  }
}
