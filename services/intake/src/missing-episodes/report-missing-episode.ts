import { randomUUID } from 'node:crypto';
import { type MissingEpisodeReported } from '@harbour/contracts';
import type { Outbox } from '@harbour/messaging';
import {
  type CommandContext,
  type CommandResult,
  type IdempotentTransaction,
  RequestRejected,
  type StoredResponse,
} from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import { intakeEvent } from '../application/intake-event';
import {
  type LinkedReferral,
  type MissingEpisode,
  type MissingEpisodeReportInput,
  recordMissingEpisode,
} from '../domain/missing-episode';
import type { MissingEpisodeRepository } from './missing-episode-repository';

export const MISSING_EPISODE_REPORTED = 'harbour.missing-episode.reported';

/** Finds the referral a report names in linkedReferralId (inside the command's transaction). */
export interface LinkedReferralLookup {
  find(manager: EntityManager, referralId: string): Promise<LinkedReferral | undefined>;
}

/** The event other services see: names, date of birth and the Philomena profile only inside `personal`. */
export function missingEpisodeReportedPayload(episode: MissingEpisode): MissingEpisodeReported {
  const { child, lastSeenLocation, circumstances, reportingOfficer, philomenaProfile } =
    episode.report;
  const personal: NonNullable<MissingEpisodeReported['personal']> = {
    ...(child.givenName !== undefined ? { givenName: child.givenName } : {}),
    ...(child.familyName !== undefined ? { familyName: child.familyName } : {}),
    ...(child.dateOfBirth !== undefined ? { dateOfBirth: child.dateOfBirth } : {}),
    ...(child.subjectReference !== undefined ? { subjectReference: child.subjectReference } : {}),
    ...(philomenaProfile ? { philomenaProfile } : {}),
  };
  return {
    episodeId: episode.id,
    reportedBy: {
      organisationId: episode.reporter.organisationId,
      organisationKind: episode.reporter.organisationKind,
    },
    reportedAt: episode.reportedAt.toISOString(),
    child: {
      ...(child.ageYears !== undefined ? { ageYears: child.ageYears } : {}),
      ageDisputed: child.ageDisputed === true,
      gender: child.gender,
    },
    isChild: episode.isChild,
    traffickingMarkers: episode.traffickingMarkers,
    borough: episode.borough,
    riskGrade: episode.riskGrade,
    lastSeenAt: episode.lastSeenAt.toISOString(),
    ...(lastSeenLocation ? { lastSeenLocation } : {}),
    ...(circumstances !== undefined ? { circumstances } : {}),
    ...(reportingOfficer ? { reportingOfficer } : {}),
    ...(Object.keys(personal).length > 0 ? { personal } : {}),
    ...(episode.linkedReferralId !== undefined
      ? { linkedReferralId: episode.linkedReferralId }
      : {}),
  };
}

/**
 * Records a missing episode and its `reported` event in one transaction (the outbox),
 * honouring Idempotency-Key so a retried POST returns the first answer and publishes nothing twice.
 */
export class ReportMissingEpisode {
  constructor(
    private readonly transaction: IdempotentTransaction,
    private readonly episodes: MissingEpisodeRepository,
    private readonly referrals: LinkedReferralLookup,
    private readonly outbox: Outbox,
    private readonly locationBase: string,
  ) {}

  execute(report: MissingEpisodeReportInput, context: CommandContext): Promise<CommandResult> {
    return this.transaction.run(context, async (manager, { now, by }) => {
      let linkedReferral: LinkedReferral | undefined;
      if (report.linkedReferralId !== undefined) {
        linkedReferral = await this.referrals.find(manager, report.linkedReferralId);
        if (!linkedReferral) {
          throw new RequestRejected({
            kind: 'invalid',
            issues: [
              { pointer: '/linkedReferralId', message: 'is not a referral known to Harbour' },
            ],
          });
        }
      }
      const episode = recordMissingEpisode(randomUUID(), report, by, now, linkedReferral);
      await this.episodes.insert(manager, episode);
      await this.outbox.add(
        manager,
        intakeEvent(MISSING_EPISODE_REPORTED, episode.id, missingEpisodeReportedPayload(episode)),
      );
      const location = `${this.locationBase}/v1/missing-episodes/${episode.id}`;
      const response: StoredResponse = {
        status: 202,
        body: { episodeId: episode.id, status: 'accepted', location },
        location,
      };
      return response;
    });
  }
}
