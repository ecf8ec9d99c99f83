import { randomUUID } from 'node:crypto';
import type {
  AlertRequested,
  ReferralDecisionRecorded,
  ReferralSubmitted,
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
const RULE = '9 working days after a negative decision (England and Wales bank holidays excluded)';

const requested = (events: HarbourEvent[]) =>
  ofType(events, 'harbour.alert.requested').map((e) => e.data as AlertRequested);
const line = (alert: AlertRequested, label: string) =>
  alert.summary.lines.find((l) => l.label === label)?.value;

function referral(overrides: Partial<ReferralSubmitted> = {}): ReferralSubmitted {
  return {
    referralId: randomUUID(),
    submittedBy: { organisationId: randomUUID(), organisationKind: 'police_specialist' },
    submittedAt: new Date().toISOString(),
    mechanism: 'nrm',
    subject: {
      isChild: false,
      ageDisputed: false,
      ageYears: 29,
      gender: 'female',
      speaksEnglish: false,
    },
    exploitationTypes: ['labour', 'domestic_servitude'],
    borough: CAMDEN,
    languages: ['ro'],
    personal: {
      givenName: 'Ioana',
      familyName: `Popescu${randomUUID().slice(0, 6)}`,
      dateOfBirth: '1997-02-03',
      narrative: 'Worked 16 hours a day in a car wash',
    },
    indicators: ['passport held by employer'],
    consent: { nrm: true, shareWith: ['ngo', 'housing_provider'] },
    accommodationNeed: { urgency: 'tonight', dependants: 1 },
    ...overrides,
  };
}

function decision(
  referralId: string,
  overrides: Partial<ReferralDecisionRecorded> = {},
): ReferralDecisionRecorded {
  return {
    referralId,
    recordedBy: { organisationId: randomUUID(), organisationKind: 'coordinator' },
    recordedAt: new Date().toISOString(),
    stage: 'reasonable_grounds',
    outcome: 'negative',
    decidedOn: '2026-11-20',
    moveOnDeadline: '2026-12-03',
    moveOnDeadlineRule: RULE,
    ...overrides,
  };
}

describe('safeguarding: referrals and decisions through Kafka', () => {
  let h: SafeguardingHarness;

  beforeAll(async () => {
    h = await startSafeguardingHarness('sg_referral');
  });

  afterAll(async () => {
    await h.close();
  });

  const alertsAbout = (referralId: string, count: number, description: string) =>
    h.waitForAlertEvents(
      referralId,
      (events) => (requested(events).length >= count ? requested(events) : undefined),
      description,
    );
  const caseOf = (referralId: string) =>
    expectEventually(async () => {
      const rows = await h.db.query<{
        mechanism: string;
        status: string;
        personal_encrypted: string | null;
        support_ends_on: string | null;
      }>(
        `SELECT mechanism, status, personal_encrypted, support_ends_on::text
           FROM "${h.schema}".referral_case WHERE referral_id = $1`,
        [referralId],
      );
      if (rows.rowCount !== 1) throw new Error('case not recorded yet');
      return rows.rows[0]!;
    });

  it('a child referral alerts children’s services and child NGOs, high, within 60 minutes, naming nobody', async () => {
    const child = referral({
      subject: { isChild: true, ageDisputed: false, ageYears: 16, gender: 'male' },
      consent: { nrm: true, shareWith: [] },
    });
    await h.publish('harbour.referral.submitted', child, child.referralId);
    const [alert] = await alertsAbout(child.referralId, 1, 'the child referral alert');
    expect(alert).toMatchObject({
      cause: { kind: 'referral', id: child.referralId },
      severity: 'high',
      acknowledgeWithinMinutes: 60,
      audience: { roles: ['local_authority', 'ngo'], boroughs: [CAMDEN], ageGroup: 'child' },
      summary: { title: 'Child referred to the NRM — Camden' },
    });
    expect(alert!.summary.lines.map((l) => l.label)).toEqual([
      'Borough',
      'Age group',
      'Gender',
      'Exploitation types',
      'Languages',
      'Accommodation need',
      'Referral reference',
    ]);
    expect(line(alert!, 'Accommodation need')).toBe('tonight, with 1 dependant');
    const text = JSON.stringify(alert);
    for (const secret of [
      child.personal!.familyName!,
      child.personal!.dateOfBirth!,
      'car wash',
      'passport',
    ]) {
      expect(text).not.toContain(secret);
    }
    const stored = await caseOf(child.referralId);
    expect(stored.personal_encrypted).toMatch(/^v2\./);
    expect(stored.personal_encrypted).not.toContain(child.personal!.familyName!);
  });

  it('an adult NRM referral goes, informational, only to the partner kinds she consented to; none, no alert; Duty to Notify keeps nothing personal', async () => {
    const consented = referral({
      consent: { nrm: true, shareWith: ['housing_provider', 'police_borough', 'ngo'] },
    });
    await h.publish('harbour.referral.submitted', consented, consented.referralId);
    const [alert] = await alertsAbout(consented.referralId, 1, 'the adult referral alert');
    expect(alert).toMatchObject({
      severity: 'informational',
      audience: { roles: ['police_borough', 'ngo', 'housing_provider'], ageGroup: 'adult' },
      summary: { title: 'Adult referred to the NRM — Camden' },
    });
    expect(line(alert!, 'Speaks English')).toBe('no');

    // Same Kafka key, so one partition, in order: once the last one is alerted, the first two
    // were handled.
    const unshared = referral({ consent: { nrm: true, shareWith: [] } });
    const dutyToNotify = referral({
      mechanism: 'duty_to_notify',
      consent: { nrm: false, shareWith: ['ngo'] },
      linkedLocations: [{ postcode: 'e15 1aa', kind: 'exploitation' }],
    });
    delete dutyToNotify.personal;
    const marker = referral();
    const key = randomUUID();
    await h.send(
      [unshared, dutyToNotify, marker].map((data) =>
        createEvent({ type: 'harbour.referral.submitted', source: '/harbour/intake', data }),
      ),
      key,
    );
    await alertsAbout(marker.referralId, 1, 'the marker referral alert');
    expect(await h.alertEventsAbout(unshared.referralId)).toEqual([]);
    expect(await h.alertEventsAbout(dutyToNotify.referralId)).toEqual([]);
    expect(await caseOf(unshared.referralId)).toMatchObject({ mechanism: 'nrm', status: 'open' });
    expect(await caseOf(dutyToNotify.referralId)).toMatchObject({
      mechanism: 'duty_to_notify',
      personal_encrypted: null,
    });
    const keys = await h.db.query(
      `SELECT case_id FROM "${h.schema}".person_key WHERE case_id = ANY($1::uuid[])`,
      [[unshared.referralId, dutyToNotify.referralId]],
    );
    expect(keys.rows).toEqual([{ case_id: unshared.referralId }]);
    const indexed = await h.db.query(
      `SELECT source FROM "${h.schema}".known_victim_location WHERE case_id = $1`,
      [dutyToNotify.referralId],
    );
    expect(indexed.rows).toEqual([{ source: 'referral' }]);
  });

  it('a negative decision closes the case and alerts the consented providers with the deadline from the event, once', async () => {
    const adult = referral({ consent: { nrm: true, shareWith: ['ngo', 'police_borough'] } });
    await h.publish('harbour.referral.submitted', adult, adult.referralId);
    await alertsAbout(adult.referralId, 1, 'the referral alert');
    const event = createEvent({
      type: 'harbour.referral.decision-recorded',
      source: '/harbour/intake',
      data: decision(adult.referralId),
    });
    await h.send([event, event], adult.referralId);
    const [, moveOn] = await alertsAbout(adult.referralId, 2, 'the move-on alert');
    expect(moveOn).toMatchObject({
      cause: { kind: 'referral', id: adult.referralId, eventId: event.id },
      severity: 'high',
      acknowledgeWithinMinutes: 1440,
      audience: { roles: ['ngo'], boroughs: [CAMDEN], ageGroup: 'adult' },
      summary: { title: 'Move-on deadline Thu, 3 Dec 2026 — Camden' },
      escalationPolicy: {
        levels: [{ afterMinutes: 1440, roles: ['coordinator'], boroughs: ['pan_london'] }],
        repeat: 0,
      },
    });
    expect(line(moveOn!, 'Decision')).toBe('Negative Reasonable Grounds decision');
    expect(line(moveOn!, 'Decided on')).toBe('Fri, 20 Nov 2026');
    expect(line(moveOn!, 'Move-on deadline')).toBe('Thu, 3 Dec 2026');
    expect(line(moveOn!, 'Deadline rule')).toBe(RULE);
    await expectEventually(async () => {
      expect((await caseOf(adult.referralId)).status).toBe('closed');
    });
    // The redelivery changed nothing: still one move-on alert.
    const later = referral();
    await h.publish('harbour.referral.submitted', later, adult.referralId);
    await alertsAbout(later.referralId, 1, 'a later referral on the same partition');
    expect(requested(await h.alertEventsAbout(adult.referralId))).toHaveLength(2);
  });

  it('no consented provider: the coordinator gets the notice; a positive CG keeps the case open until support ends', async () => {
    const adult = referral({ consent: { nrm: true, shareWith: ['police_borough'] } });
    await h.publish('harbour.referral.submitted', adult, adult.referralId);
    await h.publish(
      'harbour.referral.decision-recorded',
      decision(adult.referralId, {
        outcome: 'positive',
        moveOnDeadline: undefined,
        moveOnDeadlineRule: undefined,
      }),
      adult.referralId,
    );
    await h.publish(
      'harbour.referral.decision-recorded',
      decision(adult.referralId, {
        stage: 'conclusive_grounds',
        outcome: 'positive',
        decidedOn: '2027-01-04',
        supportEndsOn: '2027-02-18',
        moveOnDeadline: '2027-02-18',
        moveOnDeadlineRule:
          'support ends at least 45 days after a positive Conclusive Grounds decision',
      }),
      adult.referralId,
    );
    const alerts = await alertsAbout(adult.referralId, 2, 'the move-on alert');
    expect(alerts).toHaveLength(2);
    expect(alerts[1]).toMatchObject({
      audience: { roles: ['coordinator'], boroughs: [CAMDEN] },
      disclosure: { level: 'notice' },
      summary: { title: 'Move-on deadline Thu, 18 Feb 2027 — Camden' },
    });
    expect(line(alerts[1]!, 'Decision')).toBe('Positive Conclusive Grounds decision');
    await expectEventually(async () => {
      expect(await caseOf(adult.referralId)).toMatchObject({
        status: 'open',
        support_ends_on: '2027-02-18',
      });
    });
  });

  it('a child’s move-on goes to the local authority', async () => {
    const child = referral({
      subject: { isChild: true, ageDisputed: true, gender: 'female' },
      consent: { nrm: true, shareWith: ['ngo'] },
    });
    await h.publish('harbour.referral.submitted', child, child.referralId);
    await h.publish(
      'harbour.referral.decision-recorded',
      decision(child.referralId),
      child.referralId,
    );
    const [first, moveOn] = await alertsAbout(child.referralId, 2, 'the move-on alert');
    expect(line(first!, 'Age group')).toBe('age disputed (treated as a child)');
    expect(moveOn).toMatchObject({
      audience: { roles: ['local_authority'], boroughs: [CAMDEN], ageGroup: 'child' },
    });
  });
});
