import { randomInt, randomUUID } from 'node:crypto';
import type {
  AlertCancelled,
  AlertRequested,
  AlertStageReleased,
  OperationDetails,
  OperationPlanned,
  OperationUpdated,
  OrganisationRef,
  ReferralSubmitted,
} from '@harbour/contracts';
import { adjacentAuthorities } from '@harbour/london';
import type { HarbourEvent } from '@harbour/messaging';
import { expectEventually } from '@harbour/testing';
import {
  ofType,
  type SafeguardingHarness,
  startSafeguardingHarness,
} from '../test-support/safeguarding-harness';

jest.setTimeout(150_000);

const NEWHAM = 'E09000025';
const HACKNEY = 'E09000012';
const WESTMINSTER = 'E09000033';
const VETTED = ['police_borough', 'police_specialist', 'immigration'];
/** The release lead the harness runs with: one minute, so a start ~1 min ahead releases in seconds. */
const LEAD_MS = 60_000;

const requested = (events: HarbourEvent[]) =>
  ofType(events, 'harbour.alert.requested').map((e) => e.data as AlertRequested);
const stages = (events: HarbourEvent[]) =>
  ofType(events, 'harbour.alert.stage-released').map((e) => e.data as AlertStageReleased);
const cancellations = (events: HarbourEvent[]) =>
  ofType(events, 'harbour.alert.cancelled').map((e) => e.data as AlertCancelled);
const line = (alert: { summary: { lines: { label: string; value: string }[] } }, label: string) =>
  alert.summary.lines.find((l) => l.label === label)?.value;

/** A London postcode no other test is likely to have indexed: `E7 4QX`. */
function randomPostcode(): string {
  const letters = 'ABDEFGHJLNPQRSTUWXYZ';
  const letter = () => letters[randomInt(letters.length)]!;
  return `E${randomInt(1, 19)} ${randomInt(10)}${letter()}${letter()}`;
}

function police(kind: OrganisationRef['organisationKind'] = 'police_borough'): OrganisationRef {
  return { organisationId: randomUUID(), organisationKind: kind };
}

interface PlanInput {
  startsInMs: number;
  planner?: OrganisationRef;
  operation?: Partial<Omit<OperationDetails, 'operational'>>;
  operational?: Partial<OperationDetails['operational']>;
}

function details(input: PlanInput): OperationDetails {
  const startsAt = new Date(Date.now() + input.startsInMs);
  const day = new Date(
    Date.UTC(startsAt.getUTCFullYear(), startsAt.getUTCMonth(), startsAt.getUTCDate()),
  );
  return {
    kind: 'raid',
    borough: NEWHAM,
    premisesKind: 'brothel',
    startWindow: {
      from: day.toISOString(),
      to: new Date(day.getTime() + 86_400_000).toISOString(),
    },
    exploitationTypes: ['sexual'],
    vulnerablePeopleLikely: true,
    childrenLikely: true,
    expectedPeople: { total: 6, women: 4, men: 1, children: 1 },
    expectedLanguages: ['sq', 'ro'],
    ...input.operation,
    operational: {
      address: {
        line1: `${randomInt(1, 300)} Quarrystone Lane`,
        line2: 'Flat 2b',
        postcode: randomPostcode(),
      },
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(),
      timeZone: 'Europe/London',
      leadContact: { name: `DS Castellano${randomInt(1000)}`, phone: '+44 20 7946 0321' },
      ...input.operational,
    },
  };
}

function plan(input: PlanInput): OperationPlanned {
  return {
    operationId: randomUUID(),
    plannedBy: input.planner ?? police(),
    plannedAt: new Date().toISOString(),
    operation: details(input),
  };
}

/** Every alert notice about the operation is free of its operational detail. */
function expectNoOperationalDetail(alerts: AlertRequested[], operation: OperationDetails): void {
  const { address, leadContact } = operation.operational;
  const secrets = [
    address.line1,
    address.postcode,
    address.postcode.replace(' ', ''),
    leadContact!.name,
    leadContact!.phone!,
    operation.operational.startsAt,
  ];
  for (const alert of alerts) {
    const text = JSON.stringify(alert);
    for (const secret of secrets) expect(text).not.toContain(secret);
  }
}

describe('safeguarding: planned operations through Kafka', () => {
  let h: SafeguardingHarness;

  beforeAll(async () => {
    h = await startSafeguardingHarness('sg_operation', {
      OPERATION_RELEASE_LEAD_MINUTES: '1',
      OPERATION_TIMER_POLL_MS: '200',
    });
  });

  afterAll(async () => {
    await h.close();
  });

  const waitFor = <T>(
    operationId: string,
    pick: (events: HarbourEvent[]) => T | undefined,
    description: string,
  ) => h.waitForAlertEvents(operationId, pick, description);
  const alertsByRule = async (operationId: string, count: number) => {
    const alerts = await waitFor(
      operationId,
      (events) => (requested(events).length >= count ? requested(events) : undefined),
      `${count} alerts about operation ${operationId}`,
    );
    const rules = await rulesOf(operationId);
    const rule = (a: AlertRequested) => rules.get(a.alertId);
    return { alerts, rule, byRule: (name: string) => alerts.filter((a) => rule(a) === name) };
  };
  /** The rule of each alert decided about the operation, by alert id. */
  const rulesOf = async (operationId: string) =>
    new Map(
      (
        await h.db.query<{ alert_id: string; rule: string }>(
          `SELECT alert_id, rule FROM "${h.schema}".alert_decision WHERE cause_id = $1`,
          [operationId],
        )
      ).rows.map((r) => [r.alert_id, r.rule]),
    );
  const timersOf = async (operationId: string) =>
    (
      await h.db.query<{
        kind: string;
        alert_id: string | null;
        rule: string;
        due_at: Date;
        fired_at: Date | null;
        cancelled_at: Date | null;
      }>(
        `SELECT kind, alert_id, rule, due_at, fired_at, cancelled_at
           FROM "${h.schema}".scheduled_action WHERE operation_id = $1 ORDER BY created_at, rule, id`,
        [operationId],
      )
    ).rows;

  it('a Newham brothel raid at short notice: every rule’s notice, no address, then the address to vetted kinds at start − lead', async () => {
    const planner = police();
    const raid = plan({ startsInMs: LEAD_MS + 8_000, planner });
    await h.publish('harbour.operation.planned', raid, raid.operationId);
    const { alerts, rule, byRule } = await alertsByRule(raid.operationId, 7);
    expect(alerts.map(rule).sort()).toEqual(
      [
        'operation-borough-spoc',
        'operation-children-local-authority',
        'operation-children-ngo',
        'operation-housing-standby',
        'operation-language-support',
        'operation-ngo-prebrief',
        'operation-short-notice-coordinator',
      ].sort(),
    );
    for (const alert of alerts) {
      expect(alert.cause).toEqual({
        kind: 'operation',
        id: raid.operationId,
        eventId: expect.any(String) as unknown,
        ownerOrganisationId: planner.organisationId,
      });
      expect(alert.disclosure).toEqual({ level: 'notice' });
    }
    expectNoOperationalDetail(alerts, raid.operation);

    const [spoc] = byRule('operation-borough-spoc');
    expect(spoc).toMatchObject({
      severity: 'high',
      acknowledgeWithinMinutes: 60,
      audience: { roles: ['police_borough'], boroughs: [NEWHAM] },
      summary: { title: 'Planned raid — brothel — Newham' },
    });
    const [prebrief] = byRule('operation-ngo-prebrief');
    expect(prebrief).toMatchObject({
      acknowledgeWithinMinutes: 240,
      audience: {
        roles: ['ngo'],
        boroughs: [NEWHAM],
        anyOfSpecialisms: ['sexual'],
        ageGroup: 'any',
      },
      summary: { title: 'SHORT NOTICE — Pre-brief: raid — brothel — Newham' },
    });
    expect(line(prebrief!, 'Short notice')).toMatch(/^less than 1 hour' notice/);
    expect(byRule('operation-short-notice-coordinator')[0]!.audience).toEqual({
      roles: ['coordinator'],
      boroughs: [NEWHAM],
    });
    expect(byRule('operation-housing-standby')[0]!.audience.boroughs).toEqual([
      NEWHAM,
      ...adjacentAuthorities(NEWHAM),
    ]);
    expect(byRule('operation-language-support')[0]!.audience.languages).toEqual(['sq', 'ro']);

    // The release: only to the SPoC's alert, operational, narrowed to the vetted kinds.
    const release = await waitFor(
      raid.operationId,
      (events) => stages(events)[0],
      'the operational release',
    );
    expect(release).toMatchObject({
      alertId: spoc!.alertId,
      disclosure: { level: 'operational' },
      roles: VETTED,
      summary: { title: 'Operational detail — Planned raid — brothel — Newham' },
    });
    expect(line(release, 'Address')).toBe(raid.operation.operational.address.line1);
    expect(line(release, 'Postcode')).toBe(raid.operation.operational.address.postcode);
    expect(line(release, 'Lead contact')).toBe(raid.operation.operational.leadContact!.name);
    expect(release.reason).toMatch(
      /^operational detail released \d+ minutes before start \(rule operation-operational-release\)$/,
    );
    // Not before its due time: start − lead.
    const dueAt = Date.parse(raid.operation.operational.startsAt) - LEAD_MS;
    expect(Date.parse(release.releasedAt)).toBeGreaterThanOrEqual(dueAt);
    const timers = await timersOf(raid.operationId);
    expect(timers.filter((t) => t.kind === 'operational_release')).toEqual([
      expect.objectContaining({
        alert_id: spoc!.alertId,
        due_at: new Date(dueAt),
        fired_at: expect.any(Date) as unknown,
        cancelled_at: null,
      }),
    ]);
    // The displacement watch waits for the start.
    expect(timers.filter((t) => t.kind === 'displacement_watch')).toEqual([
      expect.objectContaining({ rule: 'operation-displacement-watch-outreach', fired_at: null }),
      expect.objectContaining({ rule: 'operation-displacement-watch-spoc', fired_at: null }),
    ]);
    // Stored: the operational detail only encrypted.
    const stored = await h.db.query<{ row: string }>(
      `SELECT row_to_json(o)::text AS row FROM "${h.schema}".operation o WHERE operation_id = $1`,
      [raid.operationId],
    );
    expect(stored.rows[0]!.row).not.toContain(raid.operation.operational.address.line1);
    expect(stored.rows[0]!.row).not.toContain(raid.operation.operational.leadContact!.name);
    expect(stored.rows[0]!.row).not.toContain(raid.operation.operational.address.postcode);
  });

  it('a Hackney massage parlour raid: the displacement watch goes to the neighbours at the start; the outcome closes the rest and goes back without arrests', async () => {
    const raid = plan({
      startsInMs: 5_000,
      operation: {
        borough: HACKNEY,
        premisesKind: 'massage_parlour',
        childrenLikely: false,
        expectedPeople: { total: 3, women: 3 },
        expectedLanguages: [],
      },
    });
    await h.publish('harbour.operation.planned', raid, raid.operationId);
    const neighbours = [...adjacentAuthorities(HACKNEY)];
    const { byRule } = await expectEventually(
      async () => {
        const found = await alertsByRule(raid.operationId, 5);
        if (found.byRule('operation-displacement-watch-outreach').length === 0) {
          throw new Error('no displacement watch yet');
        }
        return found;
      },
      { timeoutMs: 45_000, description: 'the displacement watch at start' },
    );
    const [spocWatch] = byRule('operation-displacement-watch-spoc');
    const [outreachWatch] = byRule('operation-displacement-watch-outreach');
    expect(spocWatch).toMatchObject({
      severity: 'informational',
      acknowledgeWithinMinutes: 1440,
      audience: { roles: ['police_borough'], boroughs: neighbours },
      summary: { title: 'Displacement watch: massage parlour operation in Hackney' },
    });
    expect(outreachWatch!.audience).toEqual({
      roles: ['ngo'],
      boroughs: neighbours,
      anyOfSpecialisms: ['outreach'],
    });
    expect(Date.parse(spocWatch!.requestedAt)).toBeGreaterThanOrEqual(
      Date.parse(raid.operation.operational.startsAt),
    );
    expect(line(spocWatch!, 'Watch window')).toMatch(/^until .+ \(London time\)$/);
    expectNoOperationalDetail([spocWatch!, outreachWatch!], raid.operation);
    const [prebrief] = byRule('operation-ngo-prebrief');

    await h.publish(
      'harbour.operation.outcome-recorded',
      {
        operationId: raid.operationId,
        recordedBy: raid.plannedBy,
        recordedAt: new Date().toISOString(),
        borough: HACKNEY,
        kind: 'raid',
        outcome: {
          peopleEncountered: 4,
          potentialVictimsIdentified: 3,
          nrmReferralsMade: 2,
          arrests: 2,
          welfareFindings: { needs: ['interpreter'], summary: 'Three women accepted support.' },
        },
      },
      raid.operationId,
    );
    const events = await waitFor(
      raid.operationId,
      (all) =>
        requested(all).some((a) => a.summary.title.startsWith('Outcome')) &&
        cancellations(all).length >= 3
          ? all
          : undefined,
      'the outcome alerts and closures',
    );
    const closed = cancellations(events);
    const closedIds = closed.map((c) => c.alertId);
    for (const name of [
      'operation-borough-spoc',
      'operation-ngo-prebrief',
      'operation-housing-standby',
    ]) {
      expect(closedIds).toContain(byRule(name)[0]!.alertId);
    }
    expect(closedIds).not.toContain(spocWatch!.alertId);
    expect(closedIds).not.toContain(outreachWatch!.alertId);
    expect(new Set(closed.map((c) => c.reason))).toEqual(
      new Set(['Operation took place; outcome recorded']),
    );
    const rules = await rulesOf(raid.operationId);
    const outcome = (name: string) => requested(events).find((a) => rules.get(a.alertId) === name)!;
    const ngo = outcome('operation-outcome-ngo');
    const spocOutcome = outcome('operation-outcome-police');
    expect(ngo.summary.title).toBe('Outcome: raid — Hackney');
    expect(ngo.audience).toEqual(prebrief!.audience);
    expect(line(ngo, 'Potential victims identified')).toBe('3');
    expect(line(ngo, 'Findings')).toBe('Three women accepted support.');
    expect(JSON.stringify(ngo)).not.toMatch(/arrest/i);
    expect(spocOutcome.audience).toEqual({ roles: ['police_borough'], boroughs: [HACKNEY] });
    expect(line(spocOutcome, 'Arrests')).toBe('2');
  });

  it('an update supersedes what still applies, closes what no longer does, and moves the timers', async () => {
    const raid = plan({ startsInMs: 2 * 86_400_000 });
    await h.publish('harbour.operation.planned', raid, raid.operationId);
    const first = await alertsByRule(raid.operationId, 6);
    expect(first.alerts.map(first.rule)).not.toContain('operation-short-notice-coordinator');
    const [oldSpoc] = first.byRule('operation-borough-spoc');
    const oldTimers = await expectEventually(async () => {
      const timers = await timersOf(raid.operationId);
      expect(timers).toHaveLength(3);
      return timers;
    });
    expect(oldTimers.every((t) => t.fired_at === null)).toBe(true);

    const moved = details({
      startsInMs: LEAD_MS + 8_000,
      operation: { childrenLikely: false, expectedPeople: { total: 9, women: 7, men: 2 } },
    });
    const update: OperationUpdated = {
      operationId: raid.operationId,
      updatedBy: raid.plannedBy,
      updatedAt: new Date().toISOString(),
      revision: 2,
      operation: moved,
      changes: ['rescheduled', 'address', 'expected_people', 'children_likely'],
    };
    await h.publish('harbour.operation.updated', update, raid.operationId);
    const events = await waitFor(
      raid.operationId,
      (all) => (stages(all).length > 0 ? all : undefined),
      'the updated alerts and the release of the new SPoC alert',
    );
    const superseding = requested(events).filter((a) => a.supersedes !== undefined);
    expect(superseding.map((a) => a.supersedes).sort()).toEqual(
      [
        'operation-borough-spoc',
        'operation-ngo-prebrief',
        'operation-language-support',
        'operation-housing-standby',
      ]
        .map((name) => first.byRule(name)[0]!.alertId)
        .sort(),
    );
    for (const alert of superseding) {
      expect(alert.summary.title).toMatch(/^UPDATED — /);
      expect(alert.summary.lines[0]!.label).toBe('What changed');
      expect(line(alert, 'What changed')).toContain('address changed');
      expect(line(alert, 'What changed')).toContain('expected people: 9 in total');
    }
    expectNoOperationalDetail(requested(events), moved);
    expectNoOperationalDetail(requested(events), raid.operation);
    const newSpoc = superseding.find((a) => a.supersedes === oldSpoc!.alertId)!;
    expect(newSpoc.summary.title).toBe('UPDATED — Planned raid — brothel — Newham');
    // Now short notice: the coordinator is told (a new alert, not an update).
    expect(
      requested(events).find((a) => a.audience.roles[0] === 'coordinator')?.summary.title,
    ).toBe('Short-notice operation: raid — brothel — Newham');
    // Children no longer expected: their alerts closed.
    expect(
      cancellations(events)
        .map((c) => [c.alertId, c.reason])
        .sort(),
    ).toEqual(
      ['operation-children-local-authority', 'operation-children-ngo']
        .map((name) => [first.byRule(name)[0]!.alertId, 'no longer needed after the plan changed'])
        .sort(),
    );
    // The release went to the new SPoC alert, with the new address.
    const [release] = stages(events);
    expect(release!.alertId).toBe(newSpoc.alertId);
    expect(line(release!, 'Address')).toBe(moved.operational.address.line1);

    const timers = await timersOf(raid.operationId);
    const oldRelease = timers.find((t) => t.alert_id === oldSpoc!.alertId)!;
    expect(oldRelease).toMatchObject({ fired_at: null, cancelled_at: expect.any(Date) as unknown });
    const watches = timers.filter((t) => t.kind === 'displacement_watch');
    expect(watches.filter((t) => t.cancelled_at !== null)).toHaveLength(2);
    expect(
      watches
        .filter((t) => t.cancelled_at === null)
        .map((t) => [t.rule, t.due_at])
        .sort(),
    ).toEqual([
      ['operation-displacement-watch-outreach', new Date(moved.operational.startsAt)],
      ['operation-displacement-watch-spoc', new Date(moved.operational.startsAt)],
    ]);

    // A replay of revision 2 (another event id, other content) changes nothing; the cancellation
    // behind it on the same partition closes every live alert and the pending watches.
    await h.publish(
      'harbour.operation.updated',
      { ...update, operation: { ...moved, borough: HACKNEY }, changes: ['borough'] },
      raid.operationId,
    );
    await h.publish(
      'harbour.operation.cancelled',
      {
        operationId: raid.operationId,
        cancelledBy: raid.plannedBy,
        cancelledAt: new Date().toISOString(),
        reason: 'intelligence changed',
      },
      raid.operationId,
    );
    const afterCancel = await waitFor(
      raid.operationId,
      (all) =>
        cancellations(all).some((c) => c.reason.startsWith('Operation cancelled'))
          ? all
          : undefined,
      'the cancellation',
    );
    // The replay was ignored: still revision 2 in Newham, nothing said about Hackney.
    const stored = await h.db.query<{ revision: number; borough: string }>(
      `SELECT revision, notice->>'borough' AS borough FROM "${h.schema}".operation
        WHERE operation_id = $1`,
      [raid.operationId],
    );
    expect(stored.rows[0]).toEqual({ revision: 2, borough: NEWHAM });
    expect(requested(afterCancel).some((a) => a.summary.title.includes('Hackney'))).toBe(false);
    // Every alert still live was closed with the planner's reason; none is live any more.
    const states = await h.db.query<{ alert_id: string; rule: string; state: string }>(
      `SELECT alert_id, rule, state FROM "${h.schema}".operation_alert WHERE operation_id = $1`,
      [raid.operationId],
    );
    expect(states.rows.filter((r) => r.state === 'live')).toEqual([]);
    const closedWithReason = states.rows
      .filter((r) => r.state === 'cancelled' && !r.rule.startsWith('operation-children'))
      .map((r) => r.alert_id)
      .sort();
    // The closures commit together but reach Kafka one by one: wait until each has arrived.
    const cancelledOnKafka = (events: HarbourEvent[]) =>
      cancellations(events)
        .filter((c) => c.reason === 'Operation cancelled: intelligence changed')
        .map((c) => c.alertId)
        .sort();
    const allClosures = await waitFor(
      raid.operationId,
      (all) => (cancelledOnKafka(all).length >= closedWithReason.length ? all : undefined),
      'every closure on Kafka',
    );
    expect(cancelledOnKafka(allClosures)).toEqual(closedWithReason);
    const finalTimers = await timersOf(raid.operationId);
    expect(finalTimers.filter((t) => t.fired_at === null && t.cancelled_at === null)).toEqual([]);
  });

  it('a cancelled operation’s release never goes out', async () => {
    const raid = plan({ startsInMs: LEAD_MS + 4_000 });
    await h.publish('harbour.operation.planned', raid, raid.operationId);
    await h.publish(
      'harbour.operation.cancelled',
      {
        operationId: raid.operationId,
        cancelledBy: raid.plannedBy,
        cancelledAt: new Date().toISOString(),
      },
      raid.operationId,
    );
    const events = await waitFor(
      raid.operationId,
      (all) => (cancellations(all).length >= 7 ? all : undefined),
      'every alert closed',
    );
    expect(new Set(cancellations(events).map((c) => c.reason))).toEqual(
      new Set(['Operation cancelled: no reason given']),
    );
    // A later plan whose release is due after this one's: once it is out, this one would be too.
    const later = plan({ startsInMs: LEAD_MS + 6_000, operation: { premisesKind: 'car_wash' } });
    await h.publish('harbour.operation.planned', later, later.operationId);
    await waitFor(later.operationId, (all) => stages(all)[0], 'the later plan’s release');
    expect(stages(await h.alertEventsAbout(raid.operationId))).toEqual([]);
    const timers = await timersOf(raid.operationId);
    expect(timers).toHaveLength(3);
    for (const timer of timers) {
      expect(timer).toMatchObject({ fired_at: null, cancelled_at: expect.any(Date) as unknown });
    }
  });

  it('a UKVI welfare visit to a place linked to an open referral: the SPoC, the domestic-worker pre-brief and victim-first to the specialist unit and the planner', async () => {
    const postcode = randomPostcode();
    const referral: ReferralSubmitted = {
      referralId: randomUUID(),
      submittedBy: police('police_specialist'),
      submittedAt: new Date().toISOString(),
      mechanism: 'nrm',
      subject: { isChild: false, ageDisputed: false, ageYears: 34, gender: 'female' },
      exploitationTypes: ['domestic_servitude'],
      borough: WESTMINSTER,
      personal: {
        givenName: 'Maria',
        familyName: `Santos${randomInt(1000)}`,
        dateOfBirth: '1991-05-06',
      },
      linkedLocations: [{ postcode, kind: 'exploitation' }],
      consent: { nrm: true, shareWith: [] },
    };
    await h.publish('harbour.referral.submitted', referral, referral.referralId);
    await expectEventually(
      async () => {
        const rows = await h.db.query(
          `SELECT 1 FROM "${h.schema}".known_victim_location WHERE case_id = $1`,
          [referral.referralId],
        );
        expect(rows.rowCount).toBe(1);
      },
      { timeoutMs: 45_000, description: 'the referral’s place indexed' },
    );

    const ukvi = police('immigration');
    const visit = plan({
      startsInMs: 3 * 86_400_000,
      planner: ukvi,
      operation: {
        kind: 'welfare_visit',
        borough: WESTMINSTER,
        premisesKind: 'private_household',
        exploitationTypes: ['domestic_servitude'],
        vulnerablePeopleLikely: false,
        childrenLikely: false,
        expectedPeople: { total: 1, women: 1 },
        expectedLanguages: [],
      },
      operational: {
        address: { line1: '9 Belgrave Mews North', postcode: postcode.toLowerCase() },
      },
    });
    await h.publish('harbour.operation.planned', visit, visit.operationId);
    const { alerts, byRule } = await alertsByRule(visit.operationId, 4);
    expectNoOperationalDetail(alerts, visit.operation);
    expect(byRule('operation-borough-spoc')[0]!.summary.title).toBe(
      'UKVI welfare visit planned — Westminster',
    );
    expect(byRule('operation-ngo-prebrief')[0]!.audience).toEqual({
      roles: ['ngo'],
      boroughs: [WESTMINSTER],
      anyOfSpecialisms: ['domestic_servitude', 'domestic_workers'],
      ageGroup: 'adult',
    });
    const [flag] = byRule('operation-victim-first');
    expect(flag).toMatchObject({
      severity: 'high',
      acknowledgeWithinMinutes: 60,
      cause: { kind: 'operation', id: visit.operationId, ownerOrganisationId: ukvi.organisationId },
      audience: {
        roles: ['police_specialist'],
        boroughs: [WESTMINSTER],
        organisations: [ukvi.organisationId],
      },
      summary: { title: 'Victim-first handling — Westminster' },
    });
    expect(line(flag!, 'Victim-first handling')).toBe(
      'A place in this plan is linked to an open case (matched on postcode). Treat everyone found as a potential victim first; ask the specialist unit before acting.',
    );
    const text = JSON.stringify(flag);
    expect(text).not.toContain(referral.referralId);
    expect(text).not.toContain(referral.personal!.familyName!);
    // Its release is scheduled like the SPoC's.
    const timers = await timersOf(visit.operationId);
    expect(timers.map((t) => [t.kind, t.alert_id]).sort()).toEqual(
      [
        ['operational_release', byRule('operation-borough-spoc')[0]!.alertId],
        ['operational_release', flag!.alertId],
      ].sort(),
    );
  });
});
