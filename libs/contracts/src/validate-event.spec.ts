import {
  aggregateIdOf,
  isEventType,
  validateEvent,
  type AlertDelivered,
  type AlertRequested,
  type MissingEpisodeReported,
} from './index';

const reported: MissingEpisodeReported = {
  episodeId: '0b9c6a8e-3f1d-4c52-9a57-1d2e3f4a5b6c',
  reportedBy: {
    organisationId: '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b',
    organisationKind: 'police_borough',
  },
  reportedAt: '2025-03-01T19:02:11.123Z',
  child: { ageYears: 15, ageDisputed: false, gender: 'female' },
  isChild: true,
  traffickingMarkers: ['open_nrm_referral'],
  borough: 'E09000022',
  riskGrade: 'high',
  lastSeenAt: '2025-03-01T18:30:00+00:00',
  lastSeenLocation: { postcode: 'SW9 8AB' },
  personal: {
    givenName: 'Amira',
    familyName: 'K',
    dateOfBirth: '2010-04-02',
    philomenaProfile: { description: 'Slim, 5ft 2', associates: ['"Ben"'], places: ['Brixton'] },
  },
};

const requested: AlertRequested = {
  alertId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
  cause: {
    kind: 'missing_episode',
    id: reported.episodeId,
    eventId: 'b2c3d4e5-0000-4000-8000-000000000001',
  },
  severity: 'critical',
  acknowledgeWithinMinutes: 15,
  audience: {
    roles: ['missing_person_unit', 'police_specialist', 'local_authority'],
    boroughs: ['E09000022'],
    specialisms: ['children'],
    languages: ['ro', 'sq'],
    ageGroup: 'child',
  },
  disclosure: { level: 'notice' },
  summary: {
    title: 'Missing child with a trafficking marker — Lambeth',
    lines: [
      { label: 'Risk', value: 'High' },
      { label: 'Last seen', value: '1 March 2025, 18:30' },
    ],
  },
  escalationPolicy: {
    levels: [
      { afterMinutes: 15, roles: ['police_specialist'] },
      { afterMinutes: 15, roles: ['coordinator'], boroughs: ['pan_london'] },
    ],
    repeat: 2,
  },
  requestedAt: '2025-03-01T19:02:12Z',
};

const delivered: AlertDelivered = {
  alertId: requested.alertId,
  deliveryId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  organisationId: '6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b',
  channel: 'email',
  messageId: '<1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d@harbour.example>',
  deliveredAt: '2025-03-01T19:02:14+00:00',
};

function pointersOf(type: Parameters<typeof validateEvent>[0], data: unknown): string[] {
  const result = validateEvent(type, data);
  return result.ok ? [] : [...new Set(result.issues.map((issue) => issue.pointer))].sort();
}

describe('harbour.missing-episode.reported', () => {
  it('accepts a full sample, and one without any personal data', () => {
    expect(validateEvent('harbour.missing-episode.reported', reported)).toEqual({
      ok: true,
      value: reported,
    });
    const { personal: _personal, lastSeenLocation: _location, ...anonymous } = reported;
    expect(pointersOf('harbour.missing-episode.reported', anonymous)).toEqual([]);
  });

  it('treats a disputed age as a child and keeps isChild consistent with the age', () => {
    const disputed = { ...reported, child: { ageDisputed: true, gender: 'male' } };
    expect(pointersOf('harbour.missing-episode.reported', disputed)).toEqual([]);
    expect(pointersOf('harbour.missing-episode.reported', { ...disputed, isChild: false })).toEqual(
      ['/isChild'],
    );
    expect(pointersOf('harbour.missing-episode.reported', { ...reported, isChild: false })).toEqual(
      ['/isChild'],
    );
    const adult = { ...reported, child: { ageYears: 19, ageDisputed: false, gender: 'male' } };
    expect(pointersOf('harbour.missing-episode.reported', adult)).toEqual(['/isChild']);
    expect(pointersOf('harbour.missing-episode.reported', { ...adult, isChild: false })).toEqual(
      [],
    );
  });

  it('rejects an undisputed age that is missing, and upper-case ids', () => {
    const noAge = { ...reported, child: { ageDisputed: false, gender: 'female' } };
    expect(pointersOf('harbour.missing-episode.reported', noAge)).toEqual(['/child/ageYears']);
    const upper = { ...reported, episodeId: reported.episodeId.toUpperCase() };
    expect(pointersOf('harbour.missing-episode.reported', upper)).toEqual(['/episodeId']);
  });

  it('keeps names out of the top level: they are only allowed inside personal', () => {
    expect(
      pointersOf('harbour.missing-episode.reported', { ...reported, givenName: 'Amira' }),
    ).toEqual(['/givenName']);
  });
});

describe('harbour.alert.requested', () => {
  it('accepts a sample alert, with and without an escalation policy', () => {
    expect(pointersOf('harbour.alert.requested', requested)).toEqual([]);
    const { escalationPolicy: _policy, ...bare } = requested;
    expect(
      pointersOf('harbour.alert.requested', {
        ...bare,
        audience: { roles: ['ngo'], boroughs: ['pan_london'] },
      }),
    ).toEqual([]);
  });

  it('needs at least one role and either boroughs or exactly pan_london', () => {
    expect(
      pointersOf('harbour.alert.requested', {
        ...requested,
        audience: { ...requested.audience, roles: [] },
      }),
    ).toEqual(['/audience/roles']);
    const mixed = {
      ...requested,
      audience: { ...requested.audience, boroughs: ['pan_london', 'E09000001'] },
    };
    expect(pointersOf('harbour.alert.requested', mixed)).toContain('/audience/boroughs');
    const none = { ...requested, audience: { ...requested.audience, boroughs: [] } };
    expect(pointersOf('harbour.alert.requested', none)).toContain('/audience/boroughs');
  });

  it('rejects unknown roles, languages that are not ISO 639-1 and an unknown disclosure level', () => {
    const bad = {
      ...requested,
      audience: { ...requested.audience, roles: ['police'], languages: ['ron'] },
      disclosure: { level: 'secret' },
    };
    expect(pointersOf('harbour.alert.requested', bad)).toEqual([
      '/audience/languages/0',
      '/audience/roles/0',
      '/disclosure/level',
    ]);
  });
});

describe('harbour.alert.delivered', () => {
  it('accepts a sample delivery and rejects an unknown channel', () => {
    expect(pointersOf('harbour.alert.delivered', delivered)).toEqual([]);
    const result = validateEvent('harbour.alert.delivered', { ...delivered, channel: 'sms' });
    expect(result).toEqual({
      ok: false,
      issues: [{ pointer: '/channel', message: 'must be one of "email", "webhook"' }],
    });
  });
});

describe('validateEvent with a type read off the wire', () => {
  it('rejects an unknown type instead of throwing', () => {
    expect(validateEvent('harbour.alert.exploded', delivered)).toEqual({
      ok: false,
      issues: [{ pointer: '', message: 'unknown event type harbour.alert.exploded' }],
    });
  });

  it('recognises event types, but not inherited object keys', () => {
    expect(isEventType('harbour.alert.requested')).toBe(true);
    expect(isEventType('harbour.alert.exploded')).toBe(false);
    expect(isEventType('toString')).toBe(false);
  });
});

describe('aggregateIdOf', () => {
  it('is the id the topic is keyed by', () => {
    expect(aggregateIdOf('harbour.missing-episode.reported', reported)).toBe(reported.episodeId);
    expect(aggregateIdOf('harbour.alert.delivered', delivered)).toBe(delivered.alertId);
  });
});
