import { Client } from 'pg';
import { expectEventually, type InboxMessage, SmtpInbox, testDatabaseUrl } from '@harbour/testing';
import { alertDetails } from '../support/alert-details';
import { HarbourStack } from '../support/harbour-stack';
import { expectNothingLeaked, scanForPersonalData } from '../support/leak-scan';
import { PersonalDataMarkers } from '../support/personal-data-markers';

/**
 * The user's stories "UKVI posting a planned welfare visit" and "an NGO receiving a pre-raid
 * alert", across the four services as real processes:
 * 1. UKVI plans a welfare visit in Westminster: the borough's police SPoC and a domestic-worker
 *    NGO get notices without the address; near the start the address goes to the SPoC only; the
 *    outcome reaches the NGO redacted.
 * 2. Police plan a brothel raid in Newham with Albanian and Romanian speakers and children likely:
 *    the right NGOs, children's services and housing providers get notices; an address linked to
 *    an open referral raises the victim-first flag without naming anyone; Newham's neighbours get
 *    the displacement watch at the start.
 * 3. A reschedule and a cancellation reach every partner already told.
 * The stack releases operational detail one minute before start, so a plan that starts in 75
 * seconds shows every stage within the test; the welfare visit's outcome is recorded last, once
 * it has started.
 */
jest.setTimeout(300_000);

const WESTMINSTER = 'E09000033';
const NEWHAM = 'E09000025';
const HACKNEY = 'E09000012';
const TOWER_HAMLETS = 'E09000030';
const LEAD_MINUTES = 1;
/** Plans start this far ahead: the operational stage goes out 15 seconds after planning. */
const START_IN_SECONDS = 75;

function idOf(cliOutput: string): string {
  const match = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(cliOutput);
  if (!match) throw new Error(`no id in: ${cliOutput}`);
  return match[0];
}

function keyOf(cliOutput: string): string {
  const match = /hbr_[A-Za-z0-9_-]+/.exec(cliOutput);
  if (!match) throw new Error('no key printed');
  return match[0];
}

const inSeconds = (seconds: number): string => new Date(Date.now() + seconds * 1000).toISOString();

describe('planned operations: staged pre-enforcement alerts, displacement watch, victim-first', () => {
  const stack = new HarbourStack({
    OPERATION_RELEASE_LEAD_MINUTES: String(LEAD_MINUTES),
    OPERATION_TIMER_POLL_MS: '250',
  });
  const inbox = new SmtpInbox();
  const mailbox = (name: string) => `${name}-${stack.run}@e2e.harbour.localhost`.replace(/_/g, '-');
  const to = {
    westminsterSpoc: mailbox('westminster-spoc'),
    domesticWorkersNgo: mailbox('domestic-workers'),
    ukvi: mailbox('ukvi'),
    coordinator: mailbox('hub'),
    newhamSpoc: mailbox('newham-spoc'),
    sexWorkNgo: mailbox('sex-work-ngo'),
    albanianNgo: mailbox('albanian-ngo'),
    newhamChildren: mailbox('newham-childrens'),
    childNgo: mailbox('child-ngo'),
    newhamHousing: mailbox('newham-housing'),
    hackneyHousing: mailbox('hackney-housing'),
    specialist: mailbox('mshtu'),
    towerHamletsSpoc: mailbox('tower-hamlets-spoc'),
    hackneyOutreach: mailbox('hackney-outreach'),
  };
  const ours = new Set(Object.values(to));
  // Marker values in every personal or operational field (addresses, lead contacts, names,
  // outcome notes): never in a notice, a log line, a span or a dead letter.
  const markers = new PersonalDataMarkers();
  const { token } = markers;
  const keys = { ukvi: '', newhamPolice: '', ukviRead: '', sexWorkNgo: '' };

  const db = new Client({ connectionString: testDatabaseUrl() });

  beforeAll(async () => {
    const org = (name: string, kind: string, borough: string, ...extra: string[]) =>
      idOf(stack.cli('org', 'add', '--name', name, '--kind', kind, '--borough', borough, ...extra));
    const contact = (orgId: string, email: string) =>
      stack.cli('contact', 'add', '--org', orgId, '--email', email);
    const withContact = (email: string, ...args: Parameters<typeof org>) => {
      const id = org(...args);
      contact(id, email);
      return id;
    };
    withContact(to.westminsterSpoc, 'Westminster SPoC e2e', 'police_borough', WESTMINSTER);
    withContact(
      to.domesticWorkersNgo,
      'Domestic workers e2e',
      'ngo',
      WESTMINSTER,
      '--specialism',
      'domestic_workers',
      '--specialism',
      'domestic_servitude',
      '--age-group',
      'adult',
    );
    const ukvi = withContact(to.ukvi, 'UKVI e2e', 'immigration', 'pan_london');
    keys.ukvi = keyOf(stack.cli('key', 'issue', '--org', ukvi, '--role', 'submit'));
    keys.ukviRead = keyOf(stack.cli('key', 'issue', '--org', ukvi, '--role', 'read'));
    withContact(to.coordinator, 'Coordination hub e2e', 'coordinator', 'pan_london');
    const newhamPolice = withContact(to.newhamSpoc, 'Newham SPoC e2e', 'police_borough', NEWHAM);
    keys.newhamPolice = keyOf(stack.cli('key', 'issue', '--org', newhamPolice, '--role', 'submit'));
    const sexWorkNgo = withContact(
      to.sexWorkNgo,
      'Sex work outreach e2e',
      'ngo',
      NEWHAM,
      '--specialism',
      'sexual',
      '--language',
      'ro',
      '--age-group',
      'adult',
    );
    keys.sexWorkNgo = keyOf(stack.cli('key', 'issue', '--org', sexWorkNgo, '--role', 'respond'));
    withContact(to.albanianNgo, 'Albanian community e2e', 'ngo', NEWHAM, '--language', 'sq');
    withContact(to.newhamChildren, 'Newham children e2e', 'local_authority', NEWHAM);
    withContact(
      to.childNgo,
      'Child NGO e2e',
      'ngo',
      NEWHAM,
      '--specialism',
      'children',
      '--age-group',
      'child',
    );
    withContact(to.newhamHousing, 'Newham housing e2e', 'housing_provider', NEWHAM);
    withContact(to.hackneyHousing, 'Hackney housing e2e', 'housing_provider', HACKNEY);
    withContact(to.specialist, 'MSHTU e2e', 'police_specialist', 'pan_london');
    withContact(to.towerHamletsSpoc, 'Tower Hamlets SPoC e2e', 'police_borough', TOWER_HAMLETS);
    withContact(
      to.hackneyOutreach,
      'Hackney outreach e2e',
      'ngo',
      HACKNEY,
      '--specialism',
      'outreach',
    );
    await stack.start();
    await db.connect();
  });

  afterAll(async () => {
    const codes = await stack.stop();
    expect(codes).toEqual([0, 0, 0, 0]);
    for (const service of ['intake', 'safeguarding', 'accommodation', 'notification']) {
      await db.query(`DROP SCHEMA IF EXISTS "${stack.run}_${service}" CASCADE`);
    }
    await db.end();
  });

  let requests = 0;
  const post = async (path: string, key: string, body: unknown): Promise<Response> =>
    fetch(`${stack.url('intake')}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${key}`,
        'idempotency-key': `e2e-${stack.run}-${++requests}`,
      },
      body: JSON.stringify(body),
    });
  const addressed = (m: InboxMessage, address: string) =>
    m.to.some((t) => t.address.toLowerCase() === address.toLowerCase());
  const recipientsOf = (messages: InboxMessage[]) =>
    new Set(messages.flatMap((m) => m.to.map((t) => t.address)).filter((a) => ours.has(a)));

  /** This stack's alerts about an operation, by rule (see `HarbourStack.decidedAlerts`). */
  const alertsByRule = async (operationId: string) => {
    const decided = await stack.decidedAlerts(operationId);
    const byRule = new Map<string, string[]>();
    for (const { rule, alertId } of decided)
      byRule.set(rule, [...(byRule.get(rule) ?? []), alertId]);
    return byRule;
  };
  /** E-mails of this stack's alerts about an operation (each carries its alert reference). */
  const emailsAbout = async (operationId: string): Promise<InboxMessage[]> => {
    const alertIds = (await stack.decidedAlerts(operationId)).map((d) => d.alertId);
    return (await inbox.messages()).filter((m) =>
      alertIds.some((id) => (m.text ?? '').includes(id)),
    );
  };
  /** The stage that carries the address goes out at the lead time; a notice is anything else. */
  const isRelease = (m: InboxMessage) => /operational details released/.test(m.subject);
  const notification = async (path: string, key: string, init: RequestInit = {}) =>
    fetch(`${stack.url('notification')}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    });
  interface CauseAlerts {
    alerts: {
      alertId: string;
      title: string;
      stagesReleased: { level: string; roles?: string[] }[];
      recipients: {
        organisation: { name: string };
        acknowledgedAt?: string;
        response?: string;
      }[];
    }[];
  }
  const waitUntilPast = (iso: string, description: string) =>
    expectEventually(
      () => {
        if (Date.now() <= Date.parse(iso)) throw new Error(`${description} is still ahead`);
      },
      { timeoutMs: 120_000, intervalMs: 200, description },
    );

  /** Scenario 1's welfare visit; its outcome is recorded at the end, once it has started. */
  const welfareVisit = { operationId: '', plannedStart: '' };

  describe('1. UKVI plans a welfare visit in Westminster', () => {
    const addressLine = `Flat ${markers.text('welfare visit address')}, 4 Example Mews`;
    const leadName = markers.name('welfare visit lead');
    let operationId = '';
    let plannedStart = '';

    it('tells the SPoC and the domestic-worker NGO without the address', async () => {
      plannedStart = inSeconds(START_IN_SECONDS);
      const planned = await post('/v1/operations', keys.ukvi, {
        kind: 'welfare_visit',
        premisesKind: 'private_household',
        address: { line1: addressLine, postcode: 'W1K 7AA' },
        borough: WESTMINSTER,
        plannedStart,
        plannedEnd: inSeconds(2 * 3600),
        expectedPeople: { total: 2, women: 2 },
        exploitationTypes: ['domestic_servitude'],
        vulnerablePeopleLikely: true,
        leadContact: { name: leadName, phone: markers.phone('welfare visit lead phone') },
      });
      expect(planned.status).toBe(202);
      operationId = ((await planned.json()) as { operationId: string }).operationId;
      Object.assign(welfareVisit, { operationId, plannedStart });

      const notices = await expectEventually(
        async () => {
          const about = await emailsAbout(operationId);
          const reached = recipientsOf(about);
          for (const address of [to.westminsterSpoc, to.domesticWorkersNgo, to.coordinator]) {
            if (!reached.has(address)) throw new Error(`${address} not told yet`);
          }
          return about;
        },
        { timeoutMs: 90_000, description: 'the welfare-visit notices' },
      );
      const rules = await alertsByRule(operationId);
      expect([...rules.keys()].sort()).toEqual(
        [
          'operation-borough-spoc',
          'operation-ngo-prebrief',
          'operation-short-notice-coordinator',
          'operation-housing-standby',
        ].sort(),
      );
      // A notice never carries the address, the postcode, the lead contact or the exact time.
      for (const email of notices.filter((m) => !isRelease(m))) {
        const all = JSON.stringify(email);
        expect(all).not.toContain(token);
        expect(all).not.toContain('W1K 7AA');
        expect(all).not.toContain(leadName);
      }
      // Only the partners this plan is for, nobody in Newham. Two women are expected, so housing
      // providers of Westminster and its neighbours get a stand-by: there are none in this
      // directory, so it falls back to the coordinator.
      expect([...recipientsOf(notices)].sort()).toEqual(
        [to.westminsterSpoc, to.domesticWorkersNgo, to.coordinator].sort(),
      );
      const prebrief = notices.find((m) => addressed(m, to.domesticWorkersNgo))!;
      expect(prebrief.subject).toMatch(/SHORT NOTICE/);
    });

    it('releases the address near the start to the police SPoC only, behind the link', async () => {
      const released = await expectEventually(
        async () => {
          const release = (await emailsAbout(operationId)).find(
            (m) => addressed(m, to.westminsterSpoc) && isRelease(m),
          );
          if (release === undefined) throw new Error('no release to the SPoC yet');
          return release;
        },
        { timeoutMs: 90_000, description: 'the operational detail to the SPoC' },
      );
      // The e-mail says what was released, not the address: a mailbox is no place for it.
      expect(JSON.stringify(released)).not.toContain('W1K 7AA');
      expect(JSON.stringify(released)).not.toContain(leadName);
      expect(released.text).toContain('the operational details are not sent by e-mail');
      // The SPoC opens the link and asks for the details (a recorded disclosure).
      const details = await alertDetails(released);
      expect(details).toContain(addressLine);
      expect(details).toContain('W1K 7AA');
      expect(details).toContain(leadName);
      // Nobody else was sent the release, and no e-mail anywhere holds the address.
      const releases = (await emailsAbout(operationId)).filter(isRelease);
      expect([...recipientsOf(releases)]).toEqual([to.westminsterSpoc]);
      const withAddress = (await inbox.messages()).filter((m) => JSON.stringify(m).includes(token));
      expect(withAddress).toEqual([]);
    });
  });

  describe('2. Police plan a brothel raid in Newham', () => {
    const postcode = 'E15 1AA';
    const addressLine = `${markers.text('raid address')} Marker Road`;
    let operationId = '';
    let plannedStart = '';

    it('alerts every partner the plan needs, with the victim-first flag for a known address', async () => {
      // A potential victim was referred earlier with this postcode as a place of exploitation.
      const referral = await post('/v1/referrals', keys.newhamPolice, {
        person: {
          givenName: markers.name('referral given name'),
          familyName: markers.name('referral family name'),
          gender: 'female',
          ageEstimateYears: 24,
        },
        exploitationTypes: ['sexual'],
        borough: NEWHAM,
        locations: [
          {
            postcode: postcode.toLowerCase().replace(' ', ''),
            borough: NEWHAM,
            kind: 'exploitation',
          },
        ],
        responder: { name: markers.name('referral responder') },
        consent: { nrm: true, shareWith: ['police_specialist'] },
      });
      expect(referral.status).toBe(202);
      const { referralId } = (await referral.json()) as { referralId: string };
      await stack.ownAlert(referralId);

      plannedStart = inSeconds(START_IN_SECONDS);
      const postedAt = Date.now();
      const planned = await post('/v1/operations', keys.newhamPolice, {
        kind: 'raid',
        premisesKind: 'brothel',
        address: { line1: addressLine, postcode },
        borough: NEWHAM,
        plannedStart,
        plannedEnd: inSeconds(3 * 3600),
        expectedPeople: { total: 6, women: 4, men: 1, children: 1 },
        childrenLikely: true,
        expectedLanguages: ['sq', 'ro'],
        exploitationTypes: ['sexual'],
        vulnerablePeopleLikely: true,
        leadContact: { name: markers.name('raid lead'), phone: markers.phone('raid lead phone') },
      });
      expect(planned.status).toBe(202);
      operationId = ((await planned.json()) as { operationId: string }).operationId;

      const expected = [
        to.newhamSpoc,
        to.sexWorkNgo,
        to.albanianNgo,
        to.newhamChildren,
        to.childNgo,
        to.newhamHousing,
        to.hackneyHousing,
        to.specialist,
        to.coordinator,
      ];
      const seenAt = new Map<string, number>();
      const notices = await expectEventually(
        async () => {
          const about = await emailsAbout(operationId);
          for (const address of expected) {
            if (!seenAt.has(address) && about.some((m) => addressed(m, address))) {
              seenAt.set(address, Date.now());
            }
          }
          const missing = expected.filter((a) => !seenAt.has(a));
          if (missing.length > 0) throw new Error(`not yet told: ${missing.join(', ')}`);
          return about;
        },
        { timeoutMs: 90_000, intervalMs: 50, description: 'the pre-raid notices' },
      );
      const lastMs = Math.max(...seenAt.values()) - postedAt;
      process.stderr.write(
        `e2e: POST raid → ${seenAt.size} partners alerted, last notice after ${lastMs} ms\n`,
      );

      const rules = await alertsByRule(operationId);
      expect([...rules.keys()].sort()).toEqual(
        [
          'operation-borough-spoc',
          'operation-ngo-prebrief',
          'operation-short-notice-coordinator',
          'operation-children-local-authority',
          'operation-children-ngo',
          'operation-language-support',
          'operation-housing-standby',
          'operation-victim-first',
        ].sort(),
      );
      // Nobody else before the start: the neighbours' displacement watch waits for it.
      expect([...recipientsOf(notices)].sort()).toEqual([...expected].sort());
      for (const email of notices.filter((m) => !isRelease(m))) {
        const all = JSON.stringify(email);
        expect(all).not.toContain(token);
        expect(all).not.toContain(postcode);
        expect(all).not.toContain(referralId);
      }
      const byAlert = (rule: string) => {
        const ids = rules.get(rule) ?? [];
        return notices.filter(
          (m) => !isRelease(m) && ids.some((id) => (m.text ?? '').includes(id)),
        );
      };
      // The victim-first flag: the planner and the specialist unit, nobody named.
      expect([...recipientsOf(byAlert('operation-victim-first'))].sort()).toEqual(
        [to.newhamSpoc, to.specialist].sort(),
      );
      // Interpreters: the Romanian-speaking and the Albanian-speaking NGOs.
      expect([...recipientsOf(byAlert('operation-language-support'))].sort()).toEqual(
        [to.sexWorkNgo, to.albanianNgo].sort(),
      );
      // Beds: housing in Newham and next door.
      expect([...recipientsOf(byAlert('operation-housing-standby'))].sort()).toEqual(
        [to.newhamHousing, to.hackneyHousing].sort(),
      );
    });

    it("sends Newham's neighbours the displacement watch at the start", async () => {
      const watch = [to.towerHamletsSpoc, to.hackneyOutreach];
      const before = recipientsOf(await emailsAbout(operationId));
      for (const address of watch) expect(before.has(address)).toBe(false);
      const arrived = await expectEventually(
        async () => {
          const about = await emailsAbout(operationId);
          const missing = watch.filter((a) => !about.some((m) => addressed(m, a)));
          if (missing.length > 0)
            throw new Error(`no displacement watch yet for ${missing.join(', ')}`);
          return about.filter((m) => watch.some((a) => addressed(m, a)));
        },
        { timeoutMs: 120_000, description: 'the displacement watch' },
      );
      const firstAt = Math.min(...arrived.map((m) => Date.parse(m.time)));
      expect(firstAt).toBeGreaterThanOrEqual(Date.parse(plannedStart) - 1000);
      for (const email of arrived) expect(JSON.stringify(email)).not.toContain(token);
    });

    it('shows the planner who was told, what was released and what partners replied', async () => {
      const rules = await alertsByRule(operationId);
      const prebrief = rules.get('operation-ngo-prebrief')?.[0];
      const spoc = rules.get('operation-borough-spoc')?.[0];
      expect(prebrief).toBeDefined();
      const reply = '2 caseworkers; 1 Romanian interpreter; 3 female beds';
      const acknowledged = await notification(
        `/v1/alerts/${prebrief!}/acknowledgements`,
        keys.sexWorkNgo,
        { method: 'POST', body: JSON.stringify({ response: reply }) },
      );
      expect(acknowledged.status).toBe(201);

      const view = await notification(
        `/v1/causes/operation/${operationId}/alerts`,
        keys.newhamPolice,
      );
      expect(view.status).toBe(200);
      const { alerts } = (await view.json()) as CauseAlerts;
      const ngoRow = alerts
        .find((a) => a.alertId === prebrief)
        ?.recipients.find((r) => r.organisation.name === 'Sex work outreach e2e');
      expect(ngoRow).toMatchObject({ response: reply });
      expect(ngoRow?.acknowledgedAt).toBeDefined();
      // The address went to the SPoC at the lead time, to police kinds only.
      const released = alerts.find((a) => a.alertId === spoc)?.stagesReleased ?? [];
      expect(released.map((r) => r.level)).toEqual(['operational']);
      expect(released[0]?.roles).toEqual(
        expect.arrayContaining(['police_borough', 'police_specialist']) as unknown,
      );
      expect(JSON.stringify(alerts)).not.toContain(token);
      // Nobody else's operation: another planner's key is told there is nothing to see.
      const other = await notification(`/v1/causes/operation/${operationId}/alerts`, keys.ukviRead);
      expect(other.status).toBe(404);
    });
  });

  describe('3. A reschedule and a cancellation reach everyone already told', () => {
    it('supersedes every notice on a reschedule and closes every alert on cancellation', async () => {
      const planned = await post('/v1/operations', keys.ukvi, {
        kind: 'welfare_visit',
        premisesKind: 'private_household',
        address: {
          line1: `${markers.text('rescheduled visit address')} Row`,
          postcode: 'SW1A 2AA',
        },
        borough: WESTMINSTER,
        plannedStart: inSeconds(3600),
        plannedEnd: inSeconds(3 * 3600),
        expectedPeople: { total: 1, women: 1 },
        exploitationTypes: ['domestic_servitude'],
        vulnerablePeopleLikely: true,
        leadContact: {
          name: markers.name('rescheduled visit lead'),
          phone: markers.phone('rescheduled visit lead phone'),
        },
      });
      expect(planned.status).toBe(202);
      const { operationId } = (await planned.json()) as { operationId: string };
      const told = [to.westminsterSpoc, to.domesticWorkersNgo, to.coordinator];
      await expectEventually(
        async () => {
          const reached = recipientsOf(await emailsAbout(operationId));
          const missing = told.filter((a) => !reached.has(a));
          if (missing.length > 0) throw new Error(`not yet told: ${missing.join(', ')}`);
        },
        { timeoutMs: 90_000, description: 'the first notices' },
      );

      const updated = await post(`/v1/operations/${operationId}/updates`, keys.ukvi, {
        plannedStart: inSeconds(2 * 3600),
        plannedEnd: inSeconds(4 * 3600),
      });
      expect(updated.status).toBe(201);
      await expectEventually(
        async () => {
          const about = await emailsAbout(operationId);
          const missing = told.filter(
            (a) => !about.some((m) => addressed(m, a) && /UPDATED/.test(m.subject)),
          );
          if (missing.length > 0) throw new Error(`no update yet for ${missing.join(', ')}`);
        },
        { timeoutMs: 90_000, description: 'the rescheduled notices' },
      );

      const cancelled = await post(`/v1/operations/${operationId}/cancellation`, keys.ukvi, {
        reason: 'Visit postponed by the planning team',
      });
      expect(cancelled.status).toBe(201);
      const closures = await expectEventually(
        async () => {
          const closed = (await emailsAbout(operationId)).filter((m) =>
            m.subject.startsWith('[CLOSED]'),
          );
          const missing = told.filter((a) => !closed.some((m) => addressed(m, a)));
          if (missing.length > 0) throw new Error(`not yet closed for ${missing.join(', ')}`);
          return closed;
        },
        { timeoutMs: 90_000, description: 'the cancellation to everyone told' },
      );
      // One closure per alert and recipient (the coordinator had two alerts: the short-notice
      // flag and the housing stand-by that found no provider in Westminster or next door).
      const closed = closures.flatMap((m) =>
        m.to.filter((t) => ours.has(t.address)).map((t) => `${t.address} ${m.text ?? ''}`),
      );
      const perAlert = closed.map((entry) => {
        const [address] = entry.split(' ');
        const alertId = /Alert reference: ([0-9a-f-]{36})/.exec(entry)?.[1];
        return `${address} ${alertId}`;
      });
      expect(new Set(perAlert).size).toBe(perAlert.length);
      expect(closures[0]?.text).toContain('Visit postponed');
    });
  });

  describe('1 (continued). The welfare visit took place', () => {
    it('shares the outcome with the NGO, redacted and without arrests', async () => {
      const { operationId, plannedStart } = welfareVisit;
      expect(operationId).not.toBe('');
      const phone = markers.mobile('outcome phone');
      await waitUntilPast(plannedStart, 'the planned start');
      const outcome = await post(`/v1/operations/${operationId}/outcome`, keys.ukvi, {
        peopleEncountered: 3,
        potentialVictimsIdentified: 2,
        nrmReferralsMade: 1,
        arrests: 1,
        welfareFindings: {
          needs: ['legal_advice', 'interpreter'],
          languages: ['tl'],
          summary: `Two workers said the employer holds their passports; call ${phone} or write to ${markers.email('outcome email')}`,
        },
        restrictedNotes: markers.text(
          'restricted notes',
          ': employer named in the police notebook',
        ),
      });
      expect(outcome.status).toBe(201);
      const shared = await inbox.waitFor(
        (m) => addressed(m, to.domesticWorkersNgo) && (m.text ?? '').includes('passports'),
        { timeoutMs: 90_000, description: 'the outcome to the NGO' },
      );
      const text = shared.text ?? '';
      expect(text).toContain('[REDACTED]');
      expect(text).not.toContain(phone);
      expect(text).not.toContain(token);
      expect(text).not.toMatch(/arrest/i);
      const rules = await alertsByRule(operationId);
      expect(rules.get('operation-outcome-ngo')).toHaveLength(1);
    });
  });

  // Last: the stack stops (flushing its last spans) and everything it wrote is scanned.
  it('keeps addresses, names and lead contacts out of every log line, span and dead letter', async () => {
    expect(stack.allLogs()).not.toContain(token);
    await stack.stop();
    expectNothingLeaked(await scanForPersonalData(stack, markers, 'planned operations'));
  });
});
