import { randomUUID } from 'node:crypto';
import type {
  AlertCancelled,
  AlertRequested,
  AlertStageReleased,
  MissingEpisodeReported,
} from '@harbour/contracts';
import { createEvent, type HarbourEvent } from '@harbour/messaging';
import { expectEventually } from '@harbour/testing';
import {
  ofType,
  type SafeguardingHarness,
  startSafeguardingHarness,
} from '../test-support/safeguarding-harness';

jest.setTimeout(120_000);

const CAMDEN = 'E09000007';
const HACKNEY = 'E09000012';
const POLICE = ['police_borough', 'police_specialist', 'missing_person_unit'];

const org = () => ({ organisationId: randomUUID(), organisationKind: 'police_borough' as const });
const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

function report(
  episodeId: string,
  overrides: Partial<MissingEpisodeReported> = {},
): MissingEpisodeReported {
  return {
    episodeId,
    reportedBy: org(),
    reportedAt: new Date().toISOString(),
    child: { ageYears: 15, ageDisputed: false, gender: 'female' },
    isChild: true,
    traffickingMarkers: ['ictg_allocated'],
    borough: CAMDEN,
    riskGrade: 'medium',
    lastSeenAt: minutesAgo(90),
    ...overrides,
  };
}

const requested = (events: HarbourEvent[]) =>
  ofType(events, 'harbour.alert.requested').map((e) => e.data as AlertRequested);
const stages = (events: HarbourEvent[]) =>
  ofType(events, 'harbour.alert.stage-released').map((e) => e.data as AlertStageReleased);
const cancellations = (events: HarbourEvent[]) =>
  ofType(events, 'harbour.alert.cancelled').map((e) => e.data as AlertCancelled);
const line = (alert: { summary: { lines: { label: string; value: string }[] } }, label: string) =>
  alert.summary.lines.find((l) => l.label === label)?.value;

describe('safeguarding: the missing-episode story through Kafka', () => {
  let h: SafeguardingHarness;

  beforeAll(async () => {
    h = await startSafeguardingHarness('sg_story');
  });

  afterAll(async () => {
    await h.close();
  });

  const firstAlert = (episodeId: string) =>
    h.waitForAlertEvents(
      episodeId,
      (events) => requested(events)[0],
      `the alert for episode ${episodeId}`,
    );

  it('a report raises a critical alert, then the Philomena profile to police roles only', async () => {
    const episodeId = randomUUID();
    const token = randomUUID().slice(0, 8);
    await h.publish(
      'harbour.missing-episode.reported',
      report(episodeId, {
        personal: {
          givenName: `Given${token}`,
          familyName: `Family${token}`,
          dateOfBirth: '2011-03-04',
          philomenaProfile: {
            description: `red coat ${token}`,
            photoReference: 'case-system://photos/1',
            associates: ['an older male'],
          },
        },
      }),
      episodeId,
    );
    const events = await h.waitForAlertEvents(
      episodeId,
      (all) => (stages(all).length > 0 ? all : undefined),
      'the alert and its Philomena stage',
    );
    const [alert] = requested(events);
    expect(alert).toMatchObject({
      severity: 'critical',
      acknowledgeWithinMinutes: 15,
      audience: {
        roles: ['missing_person_unit', 'police_specialist', 'local_authority', 'ngo'],
        boroughs: [CAMDEN],
        ageGroup: 'child',
      },
      disclosure: { level: 'operational' },
      summary: { title: 'Missing child with trafficking marker — Camden' },
    });
    // The alert itself names nobody; the profile travels as a police-only personal stage.
    expect(JSON.stringify(alert)).not.toContain(token);
    const [profile] = stages(events);
    expect(profile).toMatchObject({
      alertId: alert!.alertId,
      disclosure: { level: 'personal' },
      roles: POLICE,
      reason: 'Philomena profile: police recipients only',
      summary: { title: 'Philomena profile — police only' },
    });
    expect(profile!.summary.lines.map((l) => l.label)).toEqual([
      'Name',
      'Date of birth',
      'Description',
      'Photo reference',
      'Associates',
      'Episode reference',
    ]);
    expect(line(profile!, 'Name')).toBe(`Given${token} Family${token}`);
    // The order on the topic: the alert first, then its stage (same key, same partition).
    expect(events.map((e) => e.type)).toEqual([
      'harbour.alert.requested',
      'harbour.alert.stage-released',
    ]);
    // Personal fields are stored encrypted.
    const stored = await h.db.query<{ personal_encrypted: string }>(
      `SELECT personal_encrypted FROM "${h.schema}".missing_episode WHERE episode_id = $1`,
      [episodeId],
    );
    expect(stored.rows[0]!.personal_encrypted).toMatch(/^v2\./);
    expect(stored.rows[0]!.personal_encrypted).not.toContain(token);
  });

  it('a second episode of the same child links to the first: "Missing 2 times in the last 12 months"', async () => {
    const reference = `CAD-${randomUUID()}`;
    const first = randomUUID();
    const second = randomUUID();
    await h.publish(
      'harbour.missing-episode.reported',
      report(first, {
        personal: { subjectReference: reference },
        reportedAt: new Date(Date.now() - 40 * 86_400_000).toISOString(),
        lastSeenAt: new Date(Date.now() - 41 * 86_400_000).toISOString(),
      }),
      first,
    );
    await firstAlert(first);
    // The reporter typed the reference differently the second time.
    await h.publish(
      'harbour.missing-episode.reported',
      report(second, { personal: { subjectReference: ` ${reference.toLowerCase()} ` } }),
      second,
    );
    const alert = await firstAlert(second);
    expect(line(alert, 'Repeat episodes')).toMatch(
      new RegExp(`^Missing 2 times in the last 12 months \\(previous episode ${first}, reported `),
    );
    const row = await h.db.query<{
      previous_episode_id: string;
      episodes_in_last_12_months: number;
    }>(
      `SELECT previous_episode_id, episodes_in_last_12_months FROM "${h.schema}".missing_episode
        WHERE episode_id = $1`,
      [second],
    );
    expect(row.rows[0]).toEqual({ previous_episode_id: first, episodes_in_last_12_months: 2 });
    // A subject reference alone is no profile: no Philomena stage.
    expect(stages(await h.alertEventsAbout(second))).toEqual([]);
  });

  it('episodes of one child reported at the same moment count each other, decided side by side', async () => {
    const reference = `CAD-${randomUUID()}`;
    const episodes = [randomUUID(), randomUUID(), randomUUID()];
    // One report time, so whichever is decided first, each later one counts those before it.
    const reportedAt = new Date().toISOString();
    // Different keys, so the consumer may decide them at once: each decision reads the others'.
    await Promise.all(
      episodes.map((id) =>
        h.publish(
          'harbour.missing-episode.reported',
          report(id, { personal: { subjectReference: reference }, reportedAt }),
          id,
        ),
      ),
    );
    await Promise.all(episodes.map((id) => firstAlert(id)));
    const rows = await h.db.query<{ episodes_in_last_12_months: number }>(
      `SELECT episodes_in_last_12_months FROM "${h.schema}".missing_episode
        WHERE episode_id = ANY($1::uuid[]) ORDER BY episodes_in_last_12_months`,
      [episodes],
    );
    expect(rows.rows.map((r) => r.episodes_in_last_12_months)).toEqual([1, 2, 3]);
  });

  it('a child with an open NRM referral is critical even when the report names no marker', async () => {
    const referralId = randomUUID();
    const token = randomUUID().slice(0, 8);
    const person = { givenName: `Ána ${token}`, familyName: 'Hoxha', dateOfBirth: '2010-05-06' };
    await h.publish(
      'harbour.referral.submitted',
      {
        referralId,
        submittedBy: { organisationId: randomUUID(), organisationKind: 'police_specialist' },
        submittedAt: new Date().toISOString(),
        mechanism: 'nrm',
        subject: { isChild: true, ageDisputed: false, ageYears: 16, gender: 'female' },
        exploitationTypes: ['criminal'],
        borough: CAMDEN,
        personal: person,
        consent: { nrm: true, shareWith: [] },
      },
      referralId,
    );
    await expectEventually(async () => {
      const rows = await h.db.query(
        `SELECT 1 FROM "${h.schema}".referral_case WHERE referral_id = $1`,
        [referralId],
      );
      if (rows.rowCount !== 1) throw new Error('referral not recorded yet');
    });
    const episodeId = randomUUID();
    await h.publish(
      'harbour.missing-episode.reported',
      report(episodeId, {
        child: { ageYears: 16, ageDisputed: false, gender: 'female' },
        traffickingMarkers: [],
        riskGrade: 'low',
        // Same person, typed differently: case, accents and spaces do not matter.
        personal: {
          givenName: `ana  ${token.toUpperCase()}`,
          familyName: 'HOXHA',
          dateOfBirth: '2010-05-06',
        },
      }),
      episodeId,
    );
    const alert = await firstAlert(episodeId);
    expect(alert.severity).toBe('critical');
    expect(line(alert, 'Trafficking markers')).toBe('open NRM referral (linked by Harbour)');
    expect(line(alert, 'Linked by Harbour')).toContain('added by Harbour');

    // Without the referral, the same report is informational.
    const stranger = randomUUID();
    await h.publish(
      'harbour.missing-episode.reported',
      report(stranger, { traffickingMarkers: [], personal: { ...person, familyName: 'Other' } }),
      stranger,
    );
    expect((await firstAlert(stranger)).severity).toBe('informational');
  });

  it('a referral that arrives after the report links them: a superseding critical alert, the profile again', async () => {
    const token = randomUUID().slice(0, 8);
    const person = { givenName: `Late${token}`, familyName: 'Berisha', dateOfBirth: '2011-09-10' };
    const episodeId = randomUUID();
    await h.publish(
      'harbour.missing-episode.reported',
      report(episodeId, {
        traffickingMarkers: [],
        personal: { ...person, philomenaProfile: { description: `green hoodie ${token}` } },
      }),
      episodeId,
    );
    const first = await firstAlert(episodeId);
    expect(first.severity).toBe('informational');
    const referralId = randomUUID();
    const referralEvent = await h.publish(
      'harbour.referral.submitted',
      {
        referralId,
        submittedBy: { organisationId: randomUUID(), organisationKind: 'local_authority' },
        submittedAt: new Date().toISOString(),
        mechanism: 'nrm',
        subject: { isChild: true, ageDisputed: false, ageYears: 15, gender: 'female' },
        exploitationTypes: ['sexual'],
        borough: CAMDEN,
        personal: person,
        consent: { nrm: true, shareWith: [] },
      },
      referralId,
    );
    const events = await h.waitForAlertEvents(
      episodeId,
      (all) => (requested(all).length === 2 && stages(all).length === 2 ? all : undefined),
      'the superseding alert and the profile released to it',
    );
    const critical = requested(events)[1]!;
    expect(critical).toMatchObject({
      severity: 'critical',
      supersedes: first.alertId,
      cause: { kind: 'missing_episode', id: episodeId, eventId: referralEvent.id },
      summary: {
        title: 'Missing child with trafficking marker — Camden — linked to an open NRM referral',
      },
    });
    expect(line(critical, 'Trafficking markers')).toBe('open NRM referral (linked by Harbour)');
    expect(stages(events).map((s) => s.alertId)).toEqual([first.alertId, critical.alertId]);
    expect(line(stages(events)[1]!, 'Description')).toBe(`green hoodie ${token}`);
  });

  it('regrading an adult up supersedes the alert; a regrade that keeps the severity is a follow-up', async () => {
    const adult = randomUUID();
    await h.publish(
      'harbour.missing-episode.reported',
      report(adult, {
        child: { ageYears: 22, ageDisputed: false, gender: 'male' },
        isChild: false,
        traffickingMarkers: ['suspected_exploitation'],
        riskGrade: 'medium',
      }),
      adult,
    );
    const before = await firstAlert(adult);
    expect(before.severity).toBe('informational');
    await h.publish(
      'harbour.missing-episode.risk-regraded',
      {
        episodeId: adult,
        regradedBy: org(),
        regradedAt: new Date().toISOString(),
        previousRiskGrade: 'medium',
        riskGrade: 'high',
        reason: 'Seen with a known exploiter',
      },
      adult,
    );
    const events = await h.waitForAlertEvents(
      adult,
      (all) => (requested(all).length === 2 && stages(all).length === 1 ? all : undefined),
      'the superseding alert and the reason stage',
    );
    const after = requested(events)[1]!;
    expect(after).toMatchObject({
      severity: 'high',
      acknowledgeWithinMinutes: 60,
      supersedes: before.alertId,
      audience: { roles: ['missing_person_unit', 'police_specialist'], ageGroup: 'adult' },
      summary: { title: 'Missing adult with trafficking marker — Camden — risk regraded' },
    });
    expect(line(after, 'Risk regraded')).toMatch(/^from medium to high at /);
    expect(stages(events)[0]).toMatchObject({
      alertId: after.alertId,
      disclosure: { level: 'personal' },
      roles: POLICE,
      summary: {
        lines: expect.arrayContaining([
          { label: 'Reason for regrade', value: 'Seen with a known exploiter' },
        ]) as unknown,
      },
    });

    // A child with a marker is critical at any grade: the regrade is news, not a new alert.
    const child = randomUUID();
    await h.publish('harbour.missing-episode.reported', report(child), child);
    const critical = await firstAlert(child);
    await h.publish(
      'harbour.missing-episode.risk-regraded',
      {
        episodeId: child,
        regradedBy: org(),
        regradedAt: new Date().toISOString(),
        previousRiskGrade: 'medium',
        riskGrade: 'low',
      },
      child,
    );
    const followUp = await h.waitForAlertEvents(
      child,
      (all) => stages(all)[0],
      'the regrade follow-up',
    );
    expect(followUp).toMatchObject({
      alertId: critical.alertId,
      disclosure: { level: 'operational' },
      summary: { title: 'Risk regraded from medium to low — Camden' },
    });
    expect(followUp.roles).toBeUndefined();
    expect(requested(await h.alertEventsAbout(child))).toHaveLength(1);
  });

  it('a sighting goes to the current alert in two stages and its postcode is indexed', async () => {
    const episodeId = randomUUID();
    await h.publish('harbour.missing-episode.reported', report(episodeId), episodeId);
    const alert = await firstAlert(episodeId);
    await h.publish(
      'harbour.missing-episode.updated',
      {
        episodeId,
        recordedBy: org(),
        recordedAt: new Date().toISOString(),
        kind: 'sighting',
        seenAt: minutesAgo(10),
        location: { postcode: 'e8 1aa', borough: HACKNEY, description: 'bus stop by the park' },
        note: 'Seen getting into a grey car',
      },
      episodeId,
    );
    const [operational, personal] = await h.waitForAlertEvents(
      episodeId,
      (all) => (stages(all).length === 2 ? stages(all) : undefined),
      'the sighting stages',
    );
    expect(operational).toMatchObject({
      alertId: alert.alertId,
      disclosure: { level: 'operational' },
      summary: { title: 'Sighting of missing child — Hackney' },
    });
    expect(line(operational!, 'Postcode')).toBe('e8 1aa');
    expect(JSON.stringify(operational)).not.toContain('grey car');
    expect(personal).toMatchObject({ alertId: alert.alertId, disclosure: { level: 'personal' } });
    expect(line(personal!, 'Note')).toBe('Seen getting into a grey car');
    const indexed = await h.db.query(
      `SELECT source FROM "${h.schema}".known_victim_location WHERE case_id = $1`,
      [episodeId],
    );
    expect(indexed.rows).toEqual([{ source: 'sighting' }]);
  });

  it('found closes every alert of the episode once and reminds the council of the return home interview; recording it stops the reminder', async () => {
    const episodeId = randomUUID();
    await h.publish(
      'harbour.missing-episode.reported',
      report(episodeId, {
        child: { ageYears: 17, ageDisputed: false, gender: 'male' },
        traffickingMarkers: [],
        riskGrade: 'high',
      }),
      episodeId,
    );
    const informational = await firstAlert(episodeId);
    expect(informational.severity).toBe('informational');
    const foundAt = new Date(Date.now() - 60_000);
    const dueBy = new Date(foundAt.getTime() + 72 * 3_600_000).toISOString();
    const found = createEvent({
      type: 'harbour.missing-episode.found',
      source: '/harbour/intake',
      subject: episodeId,
      data: {
        episodeId,
        recordedBy: org(),
        recordedAt: new Date().toISOString(),
        foundAt: foundAt.toISOString(),
        foundInBorough: HACKNEY,
        returnHomeInterviewDueBy: dueBy,
        returnedTo: 'home',
      },
    });
    // Delivered twice: the second is a no-op.
    await h.send([found, found], episodeId);
    const events = await h.waitForAlertEvents(
      episodeId,
      (all) => (requested(all).length === 2 && cancellations(all).length === 1 ? all : undefined),
      'the cancellation and the return home interview alert',
    );
    const [cancelled] = cancellations(events);
    expect(cancelled!.alertId).toBe(informational.alertId);
    expect(cancelled!.reason).toMatch(
      /^Found .+ in Hackney; this alert is closed\. No further action is needed on it\.$/,
    );
    const reminder = requested(events)[1]!;
    expect(reminder).toMatchObject({
      cause: { kind: 'missing_episode', id: episodeId, eventId: found.id },
      severity: 'high',
      audience: { roles: ['local_authority'], boroughs: [CAMDEN], ageGroup: 'child' },
      disclosure: { level: 'operational' },
      summary: { title: 'Return home interview due — Camden' },
      escalationPolicy: {
        levels: [
          { afterMinutes: reminder.acknowledgeWithinMinutes, roles: ['local_authority'] },
          { afterMinutes: 240, roles: ['coordinator'], boroughs: ['pan_london'] },
        ],
        repeat: 1,
      },
    });
    // Whole minutes from now to 72 hours after she was found (found a minute ago).
    expect(reminder.acknowledgeWithinMinutes).toBeGreaterThanOrEqual(72 * 60 - 3);
    expect(reminder.acknowledgeWithinMinutes).toBeLessThanOrEqual(72 * 60 - 1);
    expect(line(reminder, 'What to do')).toBe('Acknowledge this alert when the interview is done');

    await h.publish(
      'harbour.missing-episode.return-interview-recorded',
      {
        episodeId,
        recordedBy: { organisationId: randomUUID(), organisationKind: 'local_authority' },
        recordedAt: new Date().toISOString(),
        outcome: 'completed',
        completedAt: new Date().toISOString(),
      },
      episodeId,
    );
    const stopped = await h.waitForAlertEvents(
      episodeId,
      (all) => cancellations(all).find((c) => c.alertId === reminder.alertId),
      'the reminder cancelled',
    );
    expect(stopped.reason).toBe('Return home interview recorded as completed; reminder stopped');
    expect(cancellations(await h.alertEventsAbout(episodeId))).toHaveLength(2);
    expect(requested(await h.alertEventsAbout(episodeId))).toHaveLength(2);
  });

  it('found cancels the superseded alert too, and an adult gets no reminder', async () => {
    const adult = randomUUID();
    await h.publish(
      'harbour.missing-episode.reported',
      report(adult, {
        child: { ageYears: 25, ageDisputed: false, gender: 'female' },
        isChild: false,
        traffickingMarkers: ['known_victim'],
        riskGrade: 'high',
      }),
      adult,
    );
    const high = await firstAlert(adult);
    expect(high.severity).toBe('high');
    await h.publish(
      'harbour.missing-episode.risk-regraded',
      {
        episodeId: adult,
        regradedBy: org(),
        regradedAt: new Date().toISOString(),
        previousRiskGrade: 'high',
        riskGrade: 'medium',
      },
      adult,
    );
    const lower = await h.waitForAlertEvents(
      adult,
      (all) => requested(all)[1],
      'the alert after regrading down',
    );
    expect(lower).toMatchObject({ severity: 'informational', supersedes: high.alertId });
    await h.publish(
      'harbour.missing-episode.found',
      {
        episodeId: adult,
        recordedBy: org(),
        recordedAt: new Date().toISOString(),
        foundAt: new Date().toISOString(),
      },
      adult,
    );
    const closed = await h.waitForAlertEvents(
      adult,
      (all) => (cancellations(all).length === 2 ? cancellations(all) : undefined),
      'both alerts cancelled',
    );
    expect(closed.map((c) => c.alertId).sort()).toEqual([high.alertId, lower.alertId].sort());
    expect(closed[0]!.reason).toMatch(/^Found [^;]+; this alert is closed\./);
    expect(closed[0]!.reason).not.toContain(' in ');
    expect(requested(await h.alertEventsAbout(adult))).toHaveLength(2);
  });
});
