import {
  eventCatalog,
  eventTypes,
  personalDataPaths,
  restBodyNames,
  topicFor,
  topics,
  validateEvent,
  validateRestBody,
  type EventType,
} from './index';
import { eventValidators, restBodyValidators } from './generated/validators';

// The Events table of the architecture: the public surface partners and services integrate against,
// plus the additions recorded in docs/architecture.md (ADR-18: sightings and return home interviews).
const architectureEventsTable: Record<string, string[]> = {
  'harbour.intake.operation.v1': [
    'harbour.operation.planned',
    'harbour.operation.updated',
    'harbour.operation.cancelled',
    'harbour.operation.outcome-recorded',
  ],
  'harbour.intake.missing-episode.v1': [
    'harbour.missing-episode.reported',
    'harbour.missing-episode.risk-regraded',
    'harbour.missing-episode.found',
    'harbour.missing-episode.updated',
    'harbour.missing-episode.return-interview-recorded',
  ],
  'harbour.intake.referral.v1': [
    'harbour.referral.submitted',
    'harbour.referral.decision-recorded',
  ],
  'harbour.intake.bed-request.v1': [
    'harbour.bed-request.submitted',
    'harbour.bed-request.withdrawn',
  ],
  'harbour.safeguarding.alert.v1': [
    'harbour.alert.requested',
    'harbour.alert.cancelled',
    'harbour.alert.stage-released',
  ],
  'harbour.accommodation.placement.v1': [
    'harbour.bed.offered',
    'harbour.bed.offer-expired',
    'harbour.placement.confirmed',
    'harbour.bed-request.unmatched',
  ],
  'harbour.notification.delivery.v1': [
    'harbour.alert.delivered',
    'harbour.alert.acknowledged',
    'harbour.alert.escalated',
    'harbour.delivery.failed',
  ],
};

describe('event catalog', () => {
  it('has exactly the topics and event types of the architecture', () => {
    expect(Object.values(topics).sort()).toEqual(Object.keys(architectureEventsTable).sort());
    const byTopic: Record<string, string[]> = {};
    for (const type of eventTypes) (byTopic[topicFor(type)] ??= []).push(type);
    for (const [topic, types] of Object.entries(architectureEventsTable)) {
      expect({ topic, types: byTopic[topic]?.sort() }).toEqual({ topic, types: [...types].sort() });
    }
  });

  it.each(eventTypes.map((type) => [type]))(
    '%s has a compiled validator that requires its Kafka key',
    (type: EventType) => {
      expect(typeof eventValidators[type]).toBe('function');
      const result = validateEvent(type, {});
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.issues).toContainEqual({
        pointer: `/${eventCatalog[type].keyProperty}`,
        message: 'is required',
      });
    },
  );

  it('has a validator for every REST body', () => {
    for (const name of restBodyNames) {
      expect(typeof restBodyValidators[name]).toBe('function');
      expect(validateRestBody(name, {}).ok).toBe(false);
    }
  });

  it('lists the personal data of a missing-episode report, and nothing that routing needs', () => {
    const paths = personalDataPaths('harbour.missing-episode.reported');
    expect(paths).toEqual(
      expect.arrayContaining([
        '/personal',
        '/personal/givenName',
        '/reportingOfficer',
        '/circumstances',
      ]),
    );
    for (const routing of ['/borough', '/riskGrade', '/child', '/isChild', '/traffickingMarkers']) {
      expect(paths).not.toContain(routing);
    }
    expect(personalDataPaths('missing-episode-report')).toEqual(
      expect.arrayContaining([
        '/child/givenName',
        '/child/familyName',
        '/child/dateOfBirth',
        '/philomenaProfile',
      ]),
    );
    expect(personalDataPaths('harbour.alert.requested')).toEqual(['/summary/lines']);
    expect(personalDataPaths('harbour.alert.delivered')).toEqual([]);
  });
});
