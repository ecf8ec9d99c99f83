import { randomUUID } from 'node:crypto';
import { type MissingEpisodeReported, topicFor } from '@harbour/contracts';
import { type Outbox, type OutboxRelay, withOutbox } from '@harbour/messaging';
import type { Principal } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import {
  type MissingEpisode,
  type MissingEpisodeReportInput,
  recordMissingEpisode,
} from '../domain/missing-episode';
import { type IdempotencyRecords, type StoredResponse } from '../idempotency/idempotency';
import type { MissingEpisodeRepository } from './missing-episode-repository';

export const MISSING_EPISODE_REPORTED = 'harbour.missing-episode.reported';

export interface ReportResult {
  response: StoredResponse;
  replayed: boolean;
}

export class IdempotencyKeyReused extends Error {
  constructor() {
    super('This Idempotency-Key was already used with a different request.');
  }
}

/** The event other services see: names, date of birth and the Philomena profile only inside `personal`. */
export function missingEpisodeReportedPayload(episode: MissingEpisode): MissingEpisodeReported {
  const { child, lastSeenLocation, circumstances, reportingOfficer, philomenaProfile } =
    episode.report;
  const personal: NonNullable<MissingEpisodeReported['personal']> = {
    ...(child.givenName !== undefined ? { givenName: child.givenName } : {}),
    ...(child.familyName !== undefined ? { familyName: child.familyName } : {}),
    ...(child.dateOfBirth !== undefined ? { dateOfBirth: child.dateOfBirth } : {}),
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
  };
}

/**
 * Records a missing episode and its `reported` event in one transaction (the outbox),
 * honouring Idempotency-Key so a retried POST returns the first answer and publishes nothing twice.
 */
export class ReportMissingEpisode {
  constructor(
    private readonly dataSource: DataSource,
    private readonly episodes: MissingEpisodeRepository,
    private readonly idempotency: IdempotencyRecords,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
    private readonly locationBase: string,
  ) {}

  async execute(
    report: MissingEpisodeReportInput,
    principal: Principal,
    idempotency: { key: string; hash: string } | undefined,
    now: Date = new Date(),
  ): Promise<ReportResult> {
    return withOutbox(this.dataSource, this.relay, async (manager) => {
      if (idempotency) {
        const claim = await this.idempotency.claim(
          manager,
          principal.organisationId,
          idempotency.key,
          idempotency.hash,
        );
        if (claim.kind === 'mismatch') throw new IdempotencyKeyReused();
        if (claim.kind === 'replay') return { response: claim.response, replayed: true };
      }
      const episode = recordMissingEpisode(
        randomUUID(),
        report,
        { organisationId: principal.organisationId, organisationKind: principal.organisationKind },
        now,
      );
      await this.episodes.insert(manager, episode);
      await this.outbox.add(manager, {
        topic: topicFor(MISSING_EPISODE_REPORTED),
        key: episode.id,
        type: MISSING_EPISODE_REPORTED,
        subject: episode.id,
        data: missingEpisodeReportedPayload(episode),
      });
      const location = `${this.locationBase}/v1/missing-episodes/${episode.id}`;
      const response: StoredResponse = {
        status: 202,
        body: { episodeId: episode.id, status: 'accepted', location },
        location,
      };
      if (idempotency) {
        await this.idempotency.complete(
          manager,
          principal.organisationId,
          idempotency.key,
          response,
        );
      }
      return { response, replayed: false };
    });
  }
}
