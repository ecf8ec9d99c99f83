import { randomUUID } from 'node:crypto';
import {
  type EventPayloads,
  type EventType,
  type MissingEpisodeFoundBody,
  type MissingEpisodeRegradeBody,
  type MissingEpisodeUpdateBody,
  type OrganisationRef,
  type ReturnHomeInterviewBody,
} from '@harbour/contracts';
import type { Outbox } from '@harbour/messaging';
import {
  type CommandContext,
  type CommandResult,
  type IdempotentTransaction,
  RequestRejected,
  type StoredResponse,
} from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import { acceptedChange } from '../application/accepted-change';
import { intakeEvent } from '../application/intake-event';
import type { Ruling } from '../domain/field-issue';
import {
  recordFound,
  recordReturnInterview,
  recordUpdate,
  regradeRisk,
} from '../domain/missing-episode-lifecycle';
import { mayActOnEpisode } from './episode-access';
import type {
  EpisodeRecord,
  MissingEpisodeRepository,
  TimelineEntry,
} from './missing-episode-repository';

/** What a step writes: the state change, its timeline entry, its event and the 201 body. */
interface Step<T extends EventType> {
  apply(manager: EntityManager): Promise<void>;
  entry: Omit<TimelineEntry, 'id' | 'episodeId' | 'recordedAt' | 'recordedBy'>;
  event: { type: T; data: EventPayloads[T] };
  body: Record<string, unknown>;
}

const omitUndefined = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

/**
 * What happens to a missing episode after the report: risk regraded, sightings and updates,
 * found or returned, the return home interview. Each is one transaction: the episode row
 * (locked), a timeline entry and the event through the outbox, under the caller's
 * Idempotency-Key.
 */
export class MissingEpisodeProgress {
  constructor(
    private readonly transaction: IdempotentTransaction,
    private readonly episodes: MissingEpisodeRepository,
    private readonly outbox: Outbox,
  ) {}

  regradeRisk(episodeId: string, body: MissingEpisodeRegradeBody, context: CommandContext) {
    return this.change(
      episodeId,
      context,
      (episode) => regradeRisk(episode, body),
      (change, episode, by, at) => ({
        apply: (manager) => this.episodes.setRiskGrade(manager, episode.id, change.riskGrade),
        entry: {
          kind: 'risk_regraded',
          details: { previousRiskGrade: change.previousRiskGrade, riskGrade: change.riskGrade },
          personal: omitUndefined({ reason: body.reason }),
        },
        event: {
          type: 'harbour.missing-episode.risk-regraded',
          data: omitUndefined({
            episodeId: episode.id,
            regradedBy: by,
            regradedAt: at.toISOString(),
            previousRiskGrade: change.previousRiskGrade,
            riskGrade: change.riskGrade,
            reason: body.reason,
          }),
        },
        body: {
          episodeId: episode.id,
          status: episode.status,
          previousRiskGrade: change.previousRiskGrade,
          riskGrade: change.riskGrade,
          regradedAt: at.toISOString(),
        },
      }),
    );
  }

  recordUpdate(episodeId: string, body: MissingEpisodeUpdateBody, context: CommandContext) {
    const updateId = randomUUID();
    return this.change(
      episodeId,
      context,
      (episode, now) => recordUpdate(episode, body, now),
      (change, episode, by, at) => {
        const seenAt = change.seenAt?.toISOString();
        const { description, ...place } = body.location ?? {};
        return {
          apply: () => Promise.resolve(),
          entry: {
            kind: 'updated',
            details: omitUndefined({ updateId, updateKind: body.kind, seenAt, ...place }),
            personal: omitUndefined({ note: body.note, locationDescription: description }),
          },
          event: {
            type: 'harbour.missing-episode.updated',
            data: omitUndefined({
              episodeId: episode.id,
              recordedBy: by,
              recordedAt: at.toISOString(),
              kind: body.kind,
              seenAt,
              location: body.location,
              note: body.note,
            }),
          },
          body: omitUndefined({
            episodeId: episode.id,
            updateId,
            kind: body.kind,
            recordedAt: at.toISOString(),
            seenAt,
          }),
        };
      },
    );
  }

  recordFound(episodeId: string, body: MissingEpisodeFoundBody, context: CommandContext) {
    return this.change(
      episodeId,
      context,
      (episode, now) => recordFound(episode, body, now),
      (change, episode, by, at) => {
        const foundAt = change.foundAt.toISOString();
        const dueBy = change.returnHomeInterviewDueBy?.toISOString();
        return {
          apply: (manager) =>
            this.episodes.markFound(
              manager,
              episode.id,
              change.foundAt,
              change.returnHomeInterviewDueBy,
            ),
          entry: {
            kind: 'found',
            details: omitUndefined({
              foundAt,
              foundInBorough: body.foundInBorough,
              returnedTo: body.returnedTo,
              returnHomeInterviewDueBy: dueBy,
            }),
            personal: omitUndefined({ note: body.note }),
          },
          event: {
            type: 'harbour.missing-episode.found',
            data: omitUndefined({
              episodeId: episode.id,
              recordedBy: by,
              recordedAt: at.toISOString(),
              foundAt,
              foundInBorough: body.foundInBorough,
              returnHomeInterviewDueBy: dueBy,
              returnedTo: body.returnedTo,
              note: body.note,
            }),
          },
          body: omitUndefined({
            episodeId: episode.id,
            status: 'found',
            foundAt,
            recordedAt: at.toISOString(),
            returnHomeInterviewDueBy: dueBy,
          }),
        };
      },
    );
  }

  recordReturnInterview(episodeId: string, body: ReturnHomeInterviewBody, context: CommandContext) {
    return this.change(
      episodeId,
      context,
      (episode, now) => recordReturnInterview(episode, body, now),
      (change, episode, by, at) => {
        const completedAt = change.completedAt.toISOString();
        return {
          apply: (manager) =>
            this.episodes.markReturnInterview(manager, episode.id, {
              outcome: body.outcome,
              completedAt: change.completedAt,
              recordedAt: at,
            }),
          entry: {
            kind: 'return_interview_recorded',
            details: { outcome: body.outcome, completedAt },
          },
          event: {
            type: 'harbour.missing-episode.return-interview-recorded',
            data: {
              episodeId: episode.id,
              recordedBy: by,
              recordedAt: at.toISOString(),
              outcome: body.outcome,
              completedAt,
            },
          },
          body: {
            episodeId: episode.id,
            outcome: body.outcome,
            completedAt,
            recordedAt: at.toISOString(),
          },
        };
      },
    );
  }

  private change<C, T extends EventType>(
    episodeId: string,
    context: CommandContext,
    rule: (episode: EpisodeRecord, now: Date) => Ruling<C>,
    step: (change: C, episode: EpisodeRecord, by: OrganisationRef, at: Date) => Step<T>,
  ): Promise<CommandResult> {
    return this.transaction.run(context, async (manager, { now, by }) => {
      const episode = await this.episodes.lockForChange(manager, episodeId);
      // Someone else's episode is reported as absent, not forbidden: no existence leak.
      if (!episode || !mayActOnEpisode(context.principal, episode)) {
        throw new RequestRejected({ kind: 'not_found', message: 'No such missing episode.' });
      }
      const planned = step(acceptedChange(rule(episode, now)), episode, by, now);
      await planned.apply(manager);
      await this.episodes.addEntry(manager, {
        ...planned.entry,
        id: randomUUID(),
        episodeId: episode.id,
        recordedAt: now,
        recordedBy: by,
      });
      await this.outbox.add(
        manager,
        intakeEvent(planned.event.type, episode.id, planned.event.data),
      );
      const response: StoredResponse = { status: 201, body: planned.body };
      return response;
    });
  }
}
