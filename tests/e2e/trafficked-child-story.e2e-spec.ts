import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { topics } from '@harbour/contracts';
import { createKafka, DLQ_HEADERS, toKafkaMessage } from '@harbour/messaging';
import { createLogger } from '@harbour/platform';
import { expectEventually, type InboxMessage, SmtpInbox, testDatabaseUrl } from '@harbour/testing';
import { alertDetails } from '../support/alert-details';
import { type DeadLetter, HarbourStack } from '../support/harbour-stack';
import { expectNothingLeaked, scanForPersonalData } from '../support/leak-scan';
import { PersonalDataMarkers } from '../support/personal-data-markers';

/**
 * The user's story "a missing-person unit getting a trafficked-child escalation", across the four
 * services as real processes: a 16-year-old is referred into the NRM; later she is reported
 * missing with no marker on the report, and Harbour links the report to her open referral. The
 * missing-person unit, the specialist unit, the local authority and a children's NGO are e-mailed;
 * the Philomena profile reaches police only; nobody acknowledges, so it escalates; she is found,
 * every recipient is told, and the local authority gets the return home interview reminder.
 */
jest.setTimeout(300_000);

const CAMDEN = 'E09000007';
const ESCALATION_MINUTE_MS = 1000;

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

function alertIdOf(email: InboxMessage): string {
  const match = /Alert reference: ([0-9a-f-]{36})/.exec(email.text ?? '');
  if (!match?.[1]) throw new Error(`no alert reference in "${email.subject}"`);
  return match[1];
}

describe('a trafficked child goes missing: alert, escalation, found, return home interview', () => {
  // One policy minute lasts one second here: the 15-minute window is 15 seconds.
  const stack = new HarbourStack({
    NOTIFICATION_ESCALATION_MINUTE_MS: String(ESCALATION_MINUTE_MS),
  });
  const inbox = new SmtpInbox();
  const mailbox = (name: string) => `${name}-${stack.run}@e2e.harbour.localhost`.replace(/_/g, '-');
  const to = {
    mpu: mailbox('mpu'),
    specialist: mailbox('mshtu'),
    localAuthority: mailbox('camden-childrens'),
    ngo: mailbox('child-ngo'),
    coordinator: mailbox('hub'),
  };
  // Marker values in every personal field: they may reach police as the Philomena profile, never
  // an e-mail to anyone else, a log line, a span or a dead letter's headers.
  const markers = new PersonalDataMarkers();
  const givenName = markers.name('given name');
  const familyName = markers.name('family name');
  const profileText = markers.text('profile', ' red coat, small scar above the left eye');
  const dateOfBirth = markers.dateOfBirth('date of birth', 16);
  const keys = { specialist: '', police: '', localAuthority: '' };

  const db = new Client({ connectionString: testDatabaseUrl() });

  beforeAll(async () => {
    const org = (name: string, kind: string, borough: string, ...extra: string[]) =>
      idOf(stack.cli('org', 'add', '--name', name, '--kind', kind, '--borough', borough, ...extra));
    const specialist = org('MSHTU e2e', 'police_specialist', 'pan_london');
    stack.cli('contact', 'add', '--org', specialist, '--email', to.specialist);
    keys.specialist = keyOf(stack.cli('key', 'issue', '--org', specialist, '--role', 'submit'));
    const police = org('Camden SPoC e2e', 'police_borough', CAMDEN);
    keys.police = keyOf(stack.cli('key', 'issue', '--org', police, '--role', 'submit'));
    const mpu = org('Camden MPU e2e', 'missing_person_unit', CAMDEN);
    stack.cli('contact', 'add', '--org', mpu, '--email', to.mpu);
    const council = org('Camden children e2e', 'local_authority', CAMDEN);
    stack.cli('contact', 'add', '--org', council, '--email', to.localAuthority);
    keys.localAuthority = keyOf(stack.cli('key', 'issue', '--org', council, '--role', 'submit'));
    const ngo = org('Child NGO e2e', 'ngo', CAMDEN, '--age-group', 'child');
    stack.cli('contact', 'add', '--org', ngo, '--email', to.ngo);
    const hub = org('Coordination hub e2e', 'coordinator', 'pan_london');
    stack.cli('contact', 'add', '--org', hub, '--email', to.coordinator);
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

  const post = async (path: string, key: string, body: unknown): Promise<Response> =>
    fetch(`${stack.url('intake')}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${key}`,
        'idempotency-key': `e2e-${stack.run}-${path}`,
      },
      body: JSON.stringify(body),
    });

  const emailsAbout = async (episodeOrAlertId: string): Promise<InboxMessage[]> =>
    (await inbox.messages()).filter((m) => (m.text ?? '').includes(episodeOrAlertId));
  const addressed = (m: InboxMessage, address: string) =>
    m.to.some((t) => t.address.toLowerCase() === address.toLowerCase());

  let episodeId = '';
  let missingAlertId = '';

  it('alerts four partner kinds at once when a child with an open referral goes missing', async () => {
    const referral = await post('/v1/referrals', keys.specialist, {
      person: {
        givenName,
        familyName,
        aliases: [markers.name('alias')],
        dateOfBirth,
        gender: 'female',
        nationality: 'AL',
        languages: ['sq'],
        speaksEnglish: false,
      },
      exploitationTypes: ['criminal', 'sexual'],
      borough: CAMDEN,
      locations: [
        {
          postcode: 'nw1 8aa',
          address: markers.text('referral address', ' Flat 2, Example Street'),
          borough: CAMDEN,
          kind: 'exploitation',
        },
      ],
      indicators: [markers.text('indicator', ' found working in a cannabis grow')],
      narrative: `<script>alert(1)</script> ${markers.text('narrative', ' found during a welfare check')}`,
      responder: {
        name: markers.name('responder'),
        phone: markers.phone('responder phone'),
        email: markers.email('responder email'),
      },
      // A child is referred without consent; sharing with her council and NGOs is recorded.
      consent: { nrm: false, shareWith: ['local_authority', 'ngo'] },
    });
    expect(referral.status).toBe(202);
    const { referralId } = (await referral.json()) as { referralId: string; mechanism: string };
    // Children's services and the guardian service hear of the referral first (in life, days
    // before the episode); only then is she reported missing.
    // The referral's details stay behind the e-mail's link; the reference is the alert's.
    const referralAlertIds = new Set(
      await expectEventually(
        async () => {
          const decided = await stack.decidedAlerts(referralId);
          if (decided.length === 0) throw new Error('no referral alert decided yet');
          return decided.map((d) => d.alertId);
        },
        { timeoutMs: 60_000, description: 'the referral alerts decided' },
      ),
    );
    const referralEmail = await inbox.waitFor(
      (m) =>
        addressed(m, to.localAuthority) &&
        /Child referred to the NRM/.test(m.subject) &&
        referralAlertIds.has(alertIdOf(m)),
      { timeoutMs: 60_000, description: 'the referral alert to the council' },
    );
    expect(await alertDetails(referralEmail)).toContain(referralId);

    // The missing report names no marker: the link to the open referral is Harbour's.
    const postedAt = Date.now();
    const reported = await post('/v1/missing-episodes', keys.police, {
      child: { ageYears: 16, gender: 'female', givenName, familyName, dateOfBirth },
      traffickingMarkers: [],
      borough: CAMDEN,
      riskGrade: 'medium',
      lastSeenAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
      lastSeenLocation: {
        postcode: 'NW1 8AA',
        description: markers.text('last seen place', ' outside the station'),
      },
      circumstances: markers.text('circumstances', ' did not come back from college'),
      reportingOfficer: {
        name: markers.name('reporting officer'),
        phone: markers.phone('officer phone'),
      },
      philomenaProfile: {
        description: profileText,
        associates: [markers.text('associate', ' an older male known as "Boss"')],
        places: [markers.text('place', ' the chicken shop on the high road')],
        photoReference: `case-system://camden/photos/${markers.text('photo reference')}`,
      },
    });
    expect(reported.status).toBe(202);
    episodeId = ((await reported.json()) as { episodeId: string }).episodeId;
    // Integration tests' safeguarding instances on the same broker decide on this episode too,
    // and this stack's notification delivers their alerts: follow this stack's own alert.
    missingAlertId = await stack.ownAlert(episodeId, 'missing-child-with-trafficking-marker');

    // The first wave: one critical e-mail to each of the four partner kinds, timed from the POST
    // to the moment the last one is in the inbox.
    const firstWave = [to.mpu, to.specialist, to.localAuthority, to.ngo];
    const seenAt = new Map<string, number>();
    const wave = await expectEventually(
      async () => {
        // Other e2e stacks share the broker and may alert their own directories about this
        // episode too: only this run's mailboxes count.
        const about = (await emailsAbout(missingAlertId)).filter(
          (m) =>
            /^\[CRITICAL\] Missing child/.test(m.subject) &&
            firstWave.some((address) => addressed(m, address)),
        );
        for (const address of firstWave) {
          if (!seenAt.has(address) && about.some((m) => addressed(m, address))) {
            seenAt.set(address, Date.now());
          }
        }
        if (seenAt.size < firstWave.length) {
          throw new Error(`first wave reached only ${[...seenAt.keys()].join(', ')}`);
        }
        return about;
      },
      { timeoutMs: 90_000, intervalMs: 50, description: 'the first wave of e-mails' },
    );
    const lastMs = Math.max(...seenAt.values()) - postedAt;
    process.stderr.write(`e2e: POST missing episode → last first-wave e-mail: ${lastMs} ms\n`);

    expect(wave).toHaveLength(4);
    expect(new Set(wave.map(alertIdOf))).toEqual(new Set([missingAlertId]));
    const first = wave[0]!;
    // The e-mail is the notice; the reason it is critical is behind its link.
    expect(first.text).toContain('the operational details are not sent by e-mail');
    expect(first.text).not.toContain('open NRM referral');
    expect(await alertDetails(first)).toContain('open NRM referral');
    // Need-to-know: the alert itself carries no name, date of birth or profile.
    for (const email of wave) {
      expect(JSON.stringify(email)).not.toContain(givenName);
      expect(JSON.stringify(email)).not.toContain(profileText);
    }

    // The Philomena profile: police recipients only (the unit and the specialist unit), as an
    // update whose e-mail says a personal stage was released and whose link shows it.
    const isProfile = (m: InboxMessage) =>
      /^\[UPDATE\].*personal details released/.test(m.subject) &&
      (m.text ?? '').includes(missingAlertId);
    const profileTo = async (address: string) =>
      inbox.waitFor((m) => addressed(m, address) && isProfile(m), {
        timeoutMs: 60_000,
        description: `the Philomena profile update to ${address}`,
      });
    for (const address of [to.mpu, to.specialist]) {
      const update = await profileTo(address);
      expect(JSON.stringify(update)).not.toContain(profileText);
      const details = await alertDetails(update);
      expect(details).toContain(profileText);
    }
    const ours = new Set(Object.values(to));
    const profileRecipients = (await emailsAbout(missingAlertId))
      .filter(isProfile)
      .flatMap((m) => m.to.map((t) => t.address))
      .filter((address) => ours.has(address));
    expect(profileRecipients.sort()).toEqual([to.specialist, to.mpu].sort());
    // No e-mail anywhere holds the profile.
    expect((await inbox.messages()).filter((m) => JSON.stringify(m).includes(profileText))).toEqual(
      [],
    );
  });

  it('escalates when nobody acknowledges within the 15-minute window', async () => {
    expect(missingAlertId).not.toBe('');
    const escalation = await inbox.waitFor(
      (m) =>
        addressed(m, to.coordinator) &&
        /^\[ESCALATION level 1\] \[CRITICAL\]/.test(m.subject) &&
        (m.text ?? '').includes(missingAlertId),
      { timeoutMs: 90_000, description: 'the level 1 escalation to the coordinator' },
    );
    expect(await alertDetails(escalation)).toContain(episodeId);
  });

  it('closes every alert when she is found, and reminds the council of the return home interview', async () => {
    expect(missingAlertId).not.toBe('');
    const foundAt = new Date();
    const found = await post(`/v1/missing-episodes/${episodeId}/found`, keys.police, {
      foundAt: foundAt.toISOString(),
      foundInBorough: CAMDEN,
      returnedTo: 'care_placement',
      note: markers.text('found note', ' found at a friend’s flat'),
    });
    expect(found.status).toBeLessThan(300);

    // Everyone who was sent the alert — the four partners and the coordinator it escalated to —
    // gets exactly one closure.
    const told = [to.mpu, to.specialist, to.localAuthority, to.ngo, to.coordinator];
    const closures = await expectEventually(
      async () => {
        const closed = (await emailsAbout(missingAlertId)).filter((m) =>
          m.subject.startsWith('[CLOSED]'),
        );
        const untold = told.filter((address) => !closed.some((m) => addressed(m, address)));
        if (untold.length > 0) throw new Error(`not yet told: ${untold.join(', ')}`);
        return closed;
      },
      { timeoutMs: 90_000, description: 'a closure e-mail to every recipient' },
    );
    for (const address of told) {
      expect(closures.filter((m) => addressed(m, address))).toHaveLength(1);
    }

    // Escalation stopped: no timer of the missing alert is left pending.
    const pending = await db.query(
      `SELECT 1 FROM "${stack.run}_notification".escalation_timer WHERE alert_id = $1 AND state = 'pending'`,
      [missingAlertId],
    );
    expect(pending.rows).toHaveLength(0);

    // The return home interview: the council is told now and reminded at 72 hours.
    const reminderAlertId = await stack.ownAlert(
      episodeId,
      'return-home-interview-after-missing-child-found',
    );
    const reminder = await inbox.waitFor(
      (m) =>
        addressed(m, to.localAuthority) &&
        /Return home interview due/.test(m.subject) &&
        (m.text ?? '').includes(reminderAlertId),
      { timeoutMs: 60_000, description: 'the return home interview alert to the council' },
    );
    expect(await alertDetails(reminder)).toContain(episodeId);
    const timers = await db.query<{ due_at: Date }>(
      `SELECT due_at FROM "${stack.run}_notification".escalation_timer
        WHERE alert_id = $1 AND state = 'pending'`,
      [reminderAlertId],
    );
    expect(timers.rows).toHaveLength(1);
    // 72 policy hours after she was found (one policy minute is one second in this stack).
    const dueInPolicyMinutes =
      (timers.rows[0]!.due_at.getTime() - foundAt.getTime()) / ESCALATION_MINUTE_MS;
    expect(dueInPolicyMinutes).toBeGreaterThan(72 * 60 - 2);
    expect(dueInPolicyMinutes).toBeLessThan(72 * 60 + 2);

    // Marking the interview done stops the reminder.
    const done = await post(
      `/v1/missing-episodes/${episodeId}/return-home-interview`,
      keys.localAuthority,
      { outcome: 'completed', completedAt: new Date().toISOString() },
    );
    expect(done.status).toBeLessThan(300);
    await inbox.waitFor(
      (m) =>
        addressed(m, to.localAuthority) &&
        m.subject.startsWith('[CLOSED]') &&
        (m.text ?? '').includes(reminderAlertId),
      { timeoutMs: 60_000, description: 'the reminder closed' },
    );
    const stillPending = await db.query(
      `SELECT 1 FROM "${stack.run}_notification".escalation_timer WHERE alert_id = $1 AND state = 'pending'`,
      [reminderAlertId],
    );
    expect(stillPending.rows).toHaveLength(0);
  });

  /** What this story published for its consumers to dead-letter, by reason. */
  const poison = { invalidPayload: '', invalidEnvelope: '', handlerFailed: '' };

  it('dead-letters events its consumers cannot accept or handle, with the error in headers', async () => {
    const event = (type: string, source: string, subject: string, data: unknown) =>
      toKafkaMessage(
        {
          id: randomUUID(),
          source,
          type,
          specversion: '1.0',
          time: new Date().toISOString(),
          datacontenttype: 'application/json',
          subject,
          data,
        },
        subject,
      );
    // A newer intake would publish a referral with a field this safeguarding does not know yet
    // (schema skew): safeguarding must dead-letter it rather than act on it. Its body carries
    // the referral's personal data exactly as a real referral event does.
    const referralId = randomUUID();
    const skewed = event('harbour.referral.submitted', '/harbour/intake', referralId, {
      referralId,
      submittedBy: { organisationId: randomUUID(), organisationKind: 'police_specialist' },
      submittedAt: new Date().toISOString(),
      mechanism: 'nrm',
      subject: { isChild: true, ageDisputed: false, ageYears: 16, gender: 'female' },
      exploitationTypes: ['criminal'],
      borough: CAMDEN,
      linkedLocations: [{ postcode: 'NW1 8AA', address: markers.text('dead-letter address') }],
      personal: {
        givenName,
        familyName,
        dateOfBirth,
        // Not in the v1 schema: the reason the consumer refuses the event.
        nickname: markers.name('dead-letter nickname'),
        narrative: markers.text('dead-letter narrative', ' seen with older men'),
      },
    });
    // A message that is not an event at all: its body is text with personal data in it (a JSON
    // parser's error message would quote it).
    const notJson = markers.text('raw body', ' is not JSON');
    // A valid released stage (a Philomena profile, police only) of an alert notification never
    // recorded: its handler throws, the consumer retries, then dead-letters it for a replay.
    const unknownAlertId = randomUUID();
    const stage = event('harbour.alert.stage-released', '/harbour/safeguarding', unknownAlertId, {
      alertId: unknownAlertId,
      disclosure: { level: 'personal' },
      summary: {
        title: 'Philomena profile — police only',
        lines: [
          { label: 'Name', value: `${givenName} ${familyName}` },
          { label: 'Profile', value: markers.text('dead-letter profile', ' grey hoodie') },
        ],
      },
      releasedAt: new Date().toISOString(),
      reason: 'Philomena profile released to police',
      roles: ['police_borough', 'missing_person_unit'],
    });
    Object.assign(poison, {
      invalidPayload: skewed.value,
      invalidEnvelope: notJson,
      handlerFailed: stage.value,
    });
    const kafka = createKafka({
      brokers: (stack.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
      clientId: `${stack.run}-poison`,
      logger: createLogger({ service: 'e2e-poison', level: 'silent' }),
      logLevel: 'nothing',
    });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [
          {
            topic: topics.referral,
            messages: [
              skewed,
              {
                key: referralId,
                value: notJson,
                headers: { ...skewed.headers, ce_id: randomUUID() },
              },
            ],
          },
          { topic: topics.alert, messages: [stage] },
        ],
      });
    } finally {
      await producer.disconnect();
    }

    const ours = (letters: DeadLetter[], key: string, reason: string, consumer: string) =>
      letters.find(
        (l) =>
          l.key === key &&
          l.headers[DLQ_HEADERS.reason] === reason &&
          l.headers[DLQ_HEADERS.consumer] === `${stack.run}_${consumer}`,
      );
    const [refused, unreadable, failed] = await expectEventually(
      async () => {
        const letters = await stack.deadLetters();
        const all = [
          ours(letters, referralId, 'invalid-payload', 'safeguarding'),
          ours(letters, referralId, 'invalid-envelope', 'safeguarding'),
          ours(letters, unknownAlertId, 'handler-failed', 'notification'),
        ];
        if (all.some((letter) => letter === undefined)) throw new Error('not dead-lettered yet');
        return all as [DeadLetter, DeadLetter, DeadLetter];
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'the three dead letters' },
    );
    // The error names the field, the problem or the alert id, never a value; the body is the
    // original message, byte for byte.
    expect(refused.headers[DLQ_HEADERS.error]).toBe(
      '/personal/nickname: is not an allowed property',
    );
    expect(refused.value).toBe(poison.invalidPayload);
    expect(unreadable.headers[DLQ_HEADERS.error]).toBe('value is not JSON');
    expect(unreadable.value).toBe(poison.invalidEnvelope);
    expect(failed.headers[DLQ_HEADERS.error]).toBe(
      `AlertNotYetKnownError: alert ${unknownAlertId} is not recorded (yet): its released stage cannot be delivered`,
    );
    expect(failed.value).toBe(poison.handlerFailed);
  });

  // Last: the stack stops (flushing its last spans) and everything it wrote is scanned.
  it('leaves no marker in any log line, span or dead letter header', async () => {
    await stack.stop();
    const scan = await scanForPersonalData(stack, markers, 'trafficked child story');
    expectNothingLeaked(scan);
    // The story's own dead letters were scanned; their bodies are the original events, which
    // carry personal data by design (docs/security.md, "Logs, traces and dead letters").
    expect(scan.deadLetters.map((l) => l.value)).toEqual(
      expect.arrayContaining([
        poison.invalidEnvelope,
        poison.invalidPayload,
        poison.handlerFailed,
      ]) as unknown,
    );
  });
});
