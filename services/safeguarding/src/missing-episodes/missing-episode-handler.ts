import type {
  MissingEpisodeFound,
  MissingEpisodeReported,
  MissingEpisodeReturnInterviewRecorded,
  MissingEpisodeRiskRegraded,
  MissingEpisodeUpdated,
} from '@harbour/contracts';
import { authorityByGss } from '@harbour/london';
import type { HarbourEvent, Logger } from '@harbour/messaging';
import type { FieldCipher } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { AlertCause, AlertPublisher } from '../alerts/alert-publisher';
import type { StageRelease } from '../domain/alert-decision';
import { episodeUpdateStages } from '../domain/episode-updates';
import { londonDateOf } from '../domain/london-date';
import {
  assessLinkedReferral,
  assessMissingEpisode,
  assessRegrade,
  type Reassessment,
  type ReportedMissingEpisode,
} from '../domain/missing-episode-rules';
import { type MissingPersonDetails, philomenaProfileStage } from '../domain/philomena-profile';
import { repeatEpisodesOf } from '../domain/repeat-episodes';
import {
  foundCancellationReason,
  returnHomeInterviewAlert,
  returnHomeInterviewDueBy,
  returnInterviewCancellationReason,
} from '../domain/return-home-interview';
import type { LocationIndex } from '../known-victims/location-index';
import { blindIndexesOf, type PersonKeys } from '../people/person-keys';
import type { ReferralCaseStore } from '../referrals/referral-case-store';
import type {
  EpisodeAlert,
  MissingEpisodeRecord,
  MissingEpisodeStore,
} from './missing-episode-store';

/** Encryption context of an episode's personal fields (authenticated with the ciphertext). */
export const EPISODE_PERSONAL_CONTEXT = 'missing_episode.personal';

function boroughName(gss: string): string {
  return authorityByGss(gss)?.name ?? gss;
}

/**
 * The missing-episode story, one event at a time and each inside the consumer's transaction
 * (state change, alert decisions and outbox rows commit together; a redelivery is a no-op):
 * report → alert (+ the Philomena profile to police), regrade → superseding alert or follow-up,
 * sighting → follow-up stages, found → every alert closed + the return home interview reminder,
 * interview recorded → reminder closed.
 */
export class MissingEpisodeHandler {
  constructor(
    private readonly episodes: MissingEpisodeStore,
    private readonly referrals: ReferralCaseStore,
    private readonly personKeys: PersonKeys,
    private readonly locations: LocationIndex,
    private readonly alerts: AlertPublisher,
    private readonly cipher: FieldCipher,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async onReported(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as MissingEpisodeReported;
    const keys = this.personKeys.of(data.personal);
    const today = londonDateOf(this.clock());

    // Derived marker: this person has an open NRM referral (named by the reporter or matched).
    const referralOpen =
      (data.linkedReferralId !== undefined &&
        (await this.referrals.isOpenNrmReferral(manager, data.linkedReferralId, today))) ||
      (await this.referrals.openNrmReferralMatches(manager, blindIndexesOf(keys), today));
    const linkedByHarbour =
      referralOpen && !data.traffickingMarkers.includes('open_nrm_referral')
        ? ['open_nrm_referral']
        : [];
    const markers = [...data.traffickingMarkers, ...linkedByHarbour];

    const repeat = repeatEpisodesOf(
      data.reportedAt,
      await this.episodes.episodesOfSamePerson(manager, blindIndexesOf(keys), data.episodeId),
    );

    const inserted = await this.episodes.insert(manager, {
      episodeId: data.episodeId,
      isChild: data.isChild,
      ...(data.child.ageYears !== undefined ? { ageYears: data.child.ageYears } : {}),
      ageDisputed: data.child.ageDisputed,
      gender: data.child.gender,
      borough: data.borough,
      riskGrade: data.riskGrade,
      traffickingMarkers: markers,
      markersLinkedByHarbour: linkedByHarbour,
      reportedAt: data.reportedAt,
      lastSeenAt: data.lastSeenAt,
      ...(repeat !== undefined ? { previousEpisodeId: repeat.previous.episodeId } : {}),
      episodesInLast12Months: repeat?.count ?? 1,
      ...(data.personal !== undefined
        ? { personalEncrypted: this.cipher.encryptJson(data.personal, EPISODE_PERSONAL_CONTEXT) }
        : {}),
      reportedEventId: event.id,
    });
    if (!inserted) {
      this.logger.warn(
        { episodeId: data.episodeId, eventId: event.id },
        'episode already recorded',
      );
      return;
    }
    await this.personKeys.record(manager, 'missing_episode', data.episodeId, keys);
    if (data.lastSeenLocation?.postcode !== undefined) {
      await this.locations.record(
        manager,
        { caseKind: 'missing_episode', caseId: data.episodeId },
        'last_seen',
        { postcode: data.lastSeenLocation.postcode },
      );
    }

    const decision = assessMissingEpisode({
      episodeId: data.episodeId,
      isChild: data.isChild,
      ...(data.child.ageYears !== undefined ? { ageYears: data.child.ageYears } : {}),
      ageDisputed: data.child.ageDisputed,
      gender: data.child.gender,
      traffickingMarkers: markers,
      markersLinkedByHarbour: linkedByHarbour,
      borough: data.borough,
      boroughName: boroughName(data.borough),
      riskGrade: data.riskGrade,
      lastSeenAt: data.lastSeenAt,
      ...(repeat !== undefined ? { repeat } : {}),
    });
    const cause: AlertCause = { kind: 'missing_episode', id: data.episodeId, eventId: event.id };
    const alertId = await this.alerts.request(manager, cause, decision);
    await this.episodes.addAlert(manager, data.episodeId, {
      alertId,
      purpose: 'missing',
      severity: decision.severity,
    });
    const profile =
      data.personal === undefined
        ? undefined
        : philomenaProfileStage(data.personal, data.episodeId);
    if (profile !== undefined) await this.alerts.releaseStage(manager, alertId, profile);
    this.logger.info(
      {
        episodeId: data.episodeId,
        alertId,
        rule: decision.rule,
        linkedByHarbour: linkedByHarbour.length > 0,
        episodesInLast12Months: repeat?.count ?? 1,
      },
      'missing episode recorded; alert requested',
    );
  }

  async onRiskRegraded(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as MissingEpisodeRiskRegraded;
    const episode = await this.openEpisode(manager, data.episodeId, event);
    if (episode === undefined) return;
    const current = await this.currentAlert(manager, data.episodeId);
    await this.episodes.setRiskGrade(manager, data.episodeId, data.riskGrade);
    const regraded = assessmentOf({ ...episode, riskGrade: data.riskGrade });
    const outcome = assessRegrade(
      regraded,
      {
        previousRiskGrade: data.previousRiskGrade,
        riskGrade: data.riskGrade,
        regradedAt: data.regradedAt,
        ...(data.reason !== undefined ? { reason: data.reason } : {}),
      },
      current.severity,
    );
    await this.apply(manager, episode, current, outcome, event);
  }

  async onUpdated(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as MissingEpisodeUpdated;
    const episode = await this.openEpisode(manager, data.episodeId, event);
    if (episode === undefined) return;
    const current = await this.currentAlert(manager, data.episodeId);
    if (data.location?.postcode !== undefined) {
      await this.locations.record(
        manager,
        { caseKind: 'missing_episode', caseId: data.episodeId },
        'sighting',
        { postcode: data.location.postcode },
      );
    }
    const borough = data.location?.borough;
    const stages = episodeUpdateStages({
      episodeId: data.episodeId,
      kind: data.kind,
      isChild: episode.isChild,
      recordedAt: data.recordedAt,
      ...(data.seenAt !== undefined ? { seenAt: data.seenAt } : {}),
      ...(data.location?.postcode !== undefined ? { postcode: data.location.postcode } : {}),
      ...(borough !== undefined ? { boroughName: boroughName(borough) } : {}),
      note: data.note,
      ...(data.location?.description !== undefined
        ? { placeDescription: data.location.description }
        : {}),
    });
    for (const stage of stages) await this.alerts.releaseStage(manager, current.alertId, stage);
    this.logger.info(
      { episodeId: data.episodeId, alertId: current.alertId, kind: data.kind },
      'episode update released to the current alert',
    );
  }

  async onFound(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as MissingEpisodeFound;
    const episode = await this.openEpisode(manager, data.episodeId, event);
    if (episode === undefined) return;
    await this.episodes.markFound(manager, data.episodeId, data.foundAt);
    const reason = foundCancellationReason(
      data.foundAt,
      data.foundInBorough === undefined ? undefined : boroughName(data.foundInBorough),
    );
    // Every alert still standing: the current one and any it superseded.
    const standing = (await this.episodes.alerts(manager, data.episodeId)).filter(
      (a) => a.purpose === 'missing' && a.state !== 'cancelled',
    );
    for (const alert of standing) {
      await this.alerts.cancel(manager, alert.alertId, reason);
      await this.episodes.markCancelled(manager, alert.alertId);
    }
    let reminderId: string | undefined;
    if (episode.isChild) {
      const decision = returnHomeInterviewAlert(
        {
          episodeId: data.episodeId,
          borough: episode.borough,
          boroughName: boroughName(episode.borough),
          foundAt: data.foundAt,
          returnHomeInterviewDueBy:
            data.returnHomeInterviewDueBy ?? returnHomeInterviewDueBy(data.foundAt),
        },
        this.clock(),
      );
      reminderId = await this.alerts.request(
        manager,
        { kind: 'missing_episode', id: data.episodeId, eventId: event.id },
        decision,
      );
      await this.episodes.addAlert(manager, data.episodeId, {
        alertId: reminderId,
        purpose: 'return_home_interview',
        severity: decision.severity,
      });
    }
    this.logger.info(
      { episodeId: data.episodeId, cancelled: standing.length, reminderId },
      'episode found; alerts cancelled',
    );
  }

  async onReturnInterviewRecorded(event: HarbourEvent, manager: EntityManager): Promise<void> {
    const data = event.data as MissingEpisodeReturnInterviewRecorded;
    const episode = await this.episodes.find(manager, data.episodeId);
    if (episode === undefined) {
      this.unknownEpisode(data.episodeId, event);
      return;
    }
    await this.episodes.markReturnInterviewRecorded(manager, data.episodeId, data.completedAt);
    const reminders = (await this.episodes.alerts(manager, data.episodeId)).filter(
      (a) => a.purpose === 'return_home_interview' && a.state === 'open',
    );
    for (const reminder of reminders) {
      await this.alerts.cancel(
        manager,
        reminder.alertId,
        returnInterviewCancellationReason(data.outcome),
      );
      await this.episodes.markCancelled(manager, reminder.alertId);
    }
    this.logger.info(
      { episodeId: data.episodeId, cancelled: reminders.length },
      'return home interview recorded',
    );
  }

  /**
   * An open NRM referral of `blindIndexes`' person was just recorded: any of their episodes still
   * missing and not yet marked gets the `open_nrm_referral` marker and is re-assessed (a report
   * and a referral travel on different topics, so the report may have been handled first).
   */
  async linkOpenReferral(
    manager: EntityManager,
    blindIndexes: readonly string[],
    event: HarbourEvent,
  ): Promise<void> {
    const marker = 'open_nrm_referral';
    for (const episodeId of await this.episodes.missingWithoutMarker(
      manager,
      blindIndexes,
      marker,
    )) {
      const episode = await this.episodes.find(manager, episodeId);
      if (episode === undefined) continue;
      const current = await this.currentAlert(manager, episodeId);
      await this.episodes.addLinkedMarker(manager, episodeId, marker);
      const linked = assessmentOf({
        ...episode,
        traffickingMarkers: [...episode.traffickingMarkers, marker],
        markersLinkedByHarbour: [...episode.markersLinkedByHarbour, marker],
      });
      await this.apply(
        manager,
        episode,
        current,
        assessLinkedReferral(linked, current.severity),
        event,
      );
    }
  }

  /** Carries out a re-assessment: a superseding alert, or follow-up stages to the current one. */
  private async apply(
    manager: EntityManager,
    episode: MissingEpisodeRecord,
    current: EpisodeAlert,
    outcome: Reassessment,
    event: HarbourEvent,
  ): Promise<void> {
    const { episodeId } = episode;
    switch (outcome.kind) {
      case 'supersede': {
        const alertId = await this.alerts.request(
          manager,
          { kind: 'missing_episode', id: episodeId, eventId: event.id },
          outcome.decision,
          { supersedes: current.alertId },
        );
        await this.episodes.markSuperseded(manager, current.alertId, alertId);
        await this.episodes.addAlert(manager, episodeId, {
          alertId,
          purpose: 'missing',
          severity: outcome.decision.severity,
        });
        // The new alert may reach police who never saw the profile: release it to it again.
        const profile = this.philomenaProfileOf(episode);
        if (profile !== undefined) await this.alerts.releaseStage(manager, alertId, profile);
        for (const stage of outcome.stages) {
          await this.alerts.releaseStage(manager, alertId, stage);
        }
        this.logger.info(
          { episodeId, alertId, supersedes: current.alertId, eventType: event.type },
          'episode re-assessed; superseding alert requested',
        );
        return;
      }
      case 'follow-up':
        for (const stage of outcome.stages) {
          await this.alerts.releaseStage(manager, current.alertId, stage);
        }
        this.logger.info(
          { episodeId, alertId: current.alertId, eventType: event.type },
          'episode re-assessed; severity unchanged, follow-up released',
        );
        return;
    }
  }

  /**
   * The episode if it is still missing; a follow-up on a found episode changes nothing. An episode
   * safeguarding never recorded has no alert to follow up: its report came before safeguarding
   * started or was dead-lettered (an episode's events share a partition, so the report is never
   * merely late). Retrying cannot help, so it is logged and skipped.
   */
  private async openEpisode(
    manager: EntityManager,
    episodeId: string,
    event: HarbourEvent,
  ): Promise<MissingEpisodeRecord | undefined> {
    const episode = await this.episodes.find(manager, episodeId);
    if (episode === undefined) {
      this.unknownEpisode(episodeId, event);
      return undefined;
    }
    if (episode.status !== 'missing') {
      this.logger.warn(
        { episodeId, eventId: event.id, eventType: event.type },
        'episode no longer missing; event ignored',
      );
      return undefined;
    }
    return episode;
  }

  private unknownEpisode(episodeId: string, event: HarbourEvent): void {
    this.logger.warn(
      { episodeId, eventId: event.id, eventType: event.type },
      'event for an episode safeguarding never recorded; skipped',
    );
  }

  private async currentAlert(manager: EntityManager, episodeId: string): Promise<EpisodeAlert> {
    const current = (await this.episodes.alerts(manager, episodeId)).find(
      (a) => a.purpose === 'missing' && a.state === 'open',
    );
    if (current === undefined) throw new Error(`missing episode ${episodeId} has no open alert`);
    return current;
  }

  private philomenaProfileOf(episode: MissingEpisodeRecord): StageRelease | undefined {
    if (episode.personalEncrypted === undefined) return undefined;
    // Encrypted by `onReported` from the validated event's `personal`.
    const details = this.cipher.decryptJson(
      episode.personalEncrypted,
      EPISODE_PERSONAL_CONTEXT,
    ) as MissingPersonDetails;
    return philomenaProfileStage(details, episode.episodeId);
  }
}

/** The rules' view of a stored episode. */
function assessmentOf(episode: MissingEpisodeRecord): ReportedMissingEpisode {
  return {
    episodeId: episode.episodeId,
    isChild: episode.isChild,
    ...(episode.ageYears !== undefined ? { ageYears: episode.ageYears } : {}),
    ageDisputed: episode.ageDisputed,
    gender: episode.gender,
    traffickingMarkers: episode.traffickingMarkers,
    markersLinkedByHarbour: episode.markersLinkedByHarbour,
    borough: episode.borough,
    boroughName: boroughName(episode.borough),
    riskGrade: episode.riskGrade,
    lastSeenAt: episode.lastSeenAt,
    ...(episode.previous !== undefined
      ? { repeat: { count: episode.episodesInLast12Months, previous: episode.previous } }
      : {}),
  };
}
