import { topicFor } from '@harbour/contracts';

/** The topics intake publishes to (created with their .dlq siblings at start). */
export const INTAKE_TOPICS = [
  topicFor('harbour.operation.planned'),
  topicFor('harbour.missing-episode.reported'),
  topicFor('harbour.referral.submitted'),
  topicFor('harbour.bed-request.submitted'),
] as const;
