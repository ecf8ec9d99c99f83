import type { ReferralDecisionRecorded, ReferralSubmitted } from '@harbour/contracts';
import { authorityByGss } from '@harbour/london';
import type { HarbourEvent, Logger } from '@harbour/messaging';
import type { FieldCipher } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { AlertPublisher } from '../alerts/alert-publisher';
import { assessMoveOn, caseStateAfter } from '../domain/move-on-rules';
import { assessReferral } from '../domain/referral-rules';
import type { LocationIndex } from '../known-victims/location-index';
import { blindIndexesOf, type PersonKeys } from '../people/person-keys';
import type { ReferralCaseStore } from './referral-case-store';

/** What a new open NRM referral does to episodes of the same person already reported. */
export interface OpenReferralLinks {
  linkOpenReferral(
    manager: EntityManager,
    blindIndexes: readonly string[],
    event: HarbourEvent,
  ): Promise<void>;
}

/** Encryption context of a referral case's personal fields (authenticated with the ciphertext). */
export const REFERRAL_PERSONAL_CONTEXT = 'referral_case.personal';

function boroughName(gss: string): string {
  return authorityByGss(gss)?.name ?? gss;
}

/**
 * Referral events: the case store, person keys, the known-victim index and the alerts a referral
 * or a decision raises — all inside the consumer's transaction.
 */
export class ReferralHandler {
  constructor(
    private readonly cases: ReferralCaseStore,
    private readonly personKeys: PersonKeys,
    private readonly locations: LocationIndex,
    private readonly alerts: AlertPublisher,
    private readonly cipher: FieldCipher,
    private readonly episodes: OpenReferralLinks,
    private readonly logger: Logger,
  ) {}

  async onSubmitted(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as ReferralSubmitted;
    const nrm = data.mechanism === 'nrm';
    const shareWith = data.consent?.shareWith ?? [];
    // Duty to Notify is anonymous: nothing personal is kept, not even encrypted, and no key.
    const personal = nrm
      ? {
          ...(data.personal !== undefined ? { personal: data.personal } : {}),
          ...(data.linkedLocations !== undefined ? { linkedLocations: data.linkedLocations } : {}),
          ...(data.indicators !== undefined ? { indicators: data.indicators } : {}),
        }
      : undefined;
    const inserted = await this.cases.insert(manager, {
      referralId: data.referralId,
      mechanism: data.mechanism,
      isChild: data.subject.isChild,
      ageDisputed: data.subject.ageDisputed,
      borough: data.borough,
      shareWith,
      submittedAt: data.submittedAt,
      ...(personal !== undefined && Object.keys(personal).length > 0
        ? { personalEncrypted: this.cipher.encryptJson(personal, REFERRAL_PERSONAL_CONTEXT) }
        : {}),
      submittedEventId: event.id,
    });
    if (!inserted) {
      this.logger.warn(
        { referralId: data.referralId, eventId: event.id },
        'referral already recorded',
      );
      return;
    }
    if (nrm) {
      const keys = this.personKeys.of(data.personal);
      await this.personKeys.record(manager, 'referral', data.referralId, keys);
      await this.episodes.linkOpenReferral(manager, blindIndexesOf(keys), event);
    }
    for (const location of data.linkedLocations ?? []) {
      await this.locations.record(
        manager,
        { caseKind: 'referral', caseId: data.referralId },
        'referral',
        // A Duty to Notify report carries no address; never index one even if it did.
        nrm ? location : { postcode: location.postcode },
      );
    }
    const assessment = assessReferral({
      referralId: data.referralId,
      mechanism: data.mechanism,
      isChild: data.subject.isChild,
      ageDisputed: data.subject.ageDisputed,
      gender: data.subject.gender,
      borough: data.borough,
      boroughName: boroughName(data.borough),
      exploitationTypes: data.exploitationTypes,
      languages: data.languages ?? [],
      ...(data.subject.speaksEnglish !== undefined
        ? { speaksEnglish: data.subject.speaksEnglish }
        : {}),
      ...(data.accommodationNeed !== undefined
        ? { accommodationNeed: data.accommodationNeed }
        : {}),
      shareWith,
    });
    if (assessment.decision === undefined) {
      this.logger.info(
        { referralId: data.referralId, rule: assessment.rule },
        'referral recorded; no alert',
      );
      return;
    }
    const alertId = await this.alerts.request(
      manager,
      { kind: 'referral', id: data.referralId, eventId: event.id },
      assessment.decision,
    );
    this.logger.info(
      { referralId: data.referralId, alertId, rule: assessment.rule },
      'referral recorded; alert requested',
    );
  }

  async onDecisionRecorded(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as ReferralDecisionRecorded;
    const referral = await this.cases.find(manager, data.referralId);
    if (referral === undefined) {
      // Its submission came before safeguarding started or was dead-lettered: nothing to update.
      this.logger.warn(
        { referralId: data.referralId, eventId: event.id },
        'decision for a referral safeguarding never recorded; skipped',
      );
      return;
    }
    if (referral.mechanism === 'duty_to_notify') {
      this.logger.warn(
        { referralId: data.referralId },
        'decision on a Duty to Notify report ignored',
      );
      return;
    }
    const recorded = await this.cases.recordDecision(manager, {
      referralId: data.referralId,
      stage: data.stage,
      outcome: data.outcome,
      decidedOn: data.decidedOn,
      ...(data.moveOnDeadline !== undefined ? { moveOnDeadline: data.moveOnDeadline } : {}),
      eventId: event.id,
    });
    if (!recorded) {
      this.logger.warn(
        { referralId: data.referralId, stage: data.stage },
        'a decision for this stage was already recorded; ignored',
      );
      return;
    }
    await this.cases.updateState(manager, data.referralId, caseStateAfter(data));
    const decision = assessMoveOn(
      {
        isChild: referral.isChild,
        borough: referral.borough,
        boroughName: boroughName(referral.borough),
        shareWith: referral.shareWith,
      },
      data,
    );
    if (decision === undefined) return;
    const alertId = await this.alerts.request(
      manager,
      { kind: 'referral', id: data.referralId, eventId: event.id },
      decision,
    );
    this.logger.info(
      { referralId: data.referralId, alertId, rule: decision.rule },
      'move-on alert requested',
    );
  }
}
