import type {
  MissingEpisodeFoundBody,
  MissingEpisodeRegradeBody,
  MissingEpisodeUpdateBody,
  ReturnHomeInterviewBody,
  RiskGrade,
} from '@harbour/contracts';
import { isInTheFuture } from './clock';
import { accepted, conflict, invalid, type Ruling } from './field-issue';

/** An episode is open while the person is missing and closed once they are found or returned. */
export type EpisodeStatus = 'missing' | 'found';

/** What the lifecycle rules need to know about an episode. */
export interface EpisodeState {
  status: EpisodeStatus;
  riskGrade: RiskGrade;
  isChild: boolean;
  reportedAt: Date;
  lastSeenAt: Date;
  foundAt?: Date;
  returnHomeInterviewRecordedAt?: Date;
}

/**
 * Statutory guidance on children who run away or go missing: the local authority offers a
 * return home interview within 72 hours of the child's return.
 */
export const RETURN_HOME_INTERVIEW_DUE_HOURS = 72;

const CLOSED = 'The episode is closed: the person has been found.';

export interface Regrade {
  previousRiskGrade: RiskGrade;
  riskGrade: RiskGrade;
}

export function regradeRisk(state: EpisodeState, body: MissingEpisodeRegradeBody): Ruling<Regrade> {
  if (state.status === 'found') return conflict(CLOSED);
  if (state.riskGrade === body.riskGrade) {
    return conflict(`The risk grade is already ${body.riskGrade}.`);
  }
  return accepted({ previousRiskGrade: state.riskGrade, riskGrade: body.riskGrade });
}

export interface EpisodeUpdate {
  seenAt?: Date;
}

export function recordUpdate(
  state: EpisodeState,
  body: MissingEpisodeUpdateBody,
  now: Date,
): Ruling<EpisodeUpdate> {
  if (state.status === 'found') return conflict(CLOSED);
  if (body.seenAt === undefined) return accepted({});
  const seenAt = new Date(body.seenAt);
  if (isInTheFuture(seenAt, now)) return invalid('/seenAt', 'must not be in the future');
  if (seenAt < state.lastSeenAt) {
    return invalid('/seenAt', 'must not be before the time the person was last seen');
  }
  return accepted({ seenAt });
}

export interface Found {
  foundAt: Date;
  /** Only for a child. */
  returnHomeInterviewDueBy?: Date;
}

export function recordFound(
  state: EpisodeState,
  body: MissingEpisodeFoundBody,
  now: Date,
): Ruling<Found> {
  if (state.status === 'found') return conflict('The person was already recorded as found.');
  const foundAt = new Date(body.foundAt);
  if (isInTheFuture(foundAt, now)) return invalid('/foundAt', 'must not be in the future');
  if (foundAt < state.reportedAt) {
    return invalid('/foundAt', 'must not be before the episode was reported');
  }
  if (foundAt < state.lastSeenAt) {
    return invalid('/foundAt', 'must not be before the time the person was last seen');
  }
  if (!state.isChild) return accepted({ foundAt });
  return accepted({
    foundAt,
    returnHomeInterviewDueBy: new Date(
      foundAt.getTime() + RETURN_HOME_INTERVIEW_DUE_HOURS * 3_600_000,
    ),
  });
}

export interface ReturnInterview {
  completedAt: Date;
}

export function recordReturnInterview(
  state: EpisodeState,
  body: ReturnHomeInterviewBody,
  now: Date,
): Ruling<ReturnInterview> {
  if (!state.isChild) return conflict('A return home interview is recorded for a child only.');
  if (state.status !== 'found' || state.foundAt === undefined) {
    return conflict('The person has not been recorded as found yet.');
  }
  if (state.returnHomeInterviewRecordedAt !== undefined) {
    return conflict('The return home interview was already recorded.');
  }
  const completedAt = new Date(body.completedAt);
  if (isInTheFuture(completedAt, now)) return invalid('/completedAt', 'must not be in the future');
  if (completedAt < state.foundAt) {
    return invalid('/completedAt', 'must not be before the person was found');
  }
  return accepted({ completedAt });
}
