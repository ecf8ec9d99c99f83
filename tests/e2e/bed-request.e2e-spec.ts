import { Client } from 'pg';
import { expectEventually, type InboxMessage, SmtpInbox, testDatabaseUrl } from '@harbour/testing';
import { HarbourStack } from '../support/harbour-stack';
import { expectNothingLeaked, scanForPersonalData } from '../support/leak-scan';
import { PersonalDataMarkers } from '../support/personal-data-markers';

/**
 * The user's story "a housing provider receiving a bed request", across the four services as
 * real processes: Newham police need a bed tonight for a man who speaks Albanian and must not be
 * placed near Newham, where he was exploited. Offers go to the right providers only (never a
 * women's refuge, never a house inside the exclusion zone), each holding a bed; the first to
 * accept gets the placement and the only copy of his name; the others are released at once; the
 * police are told a bed was found.
 */
jest.setTimeout(240_000);

const NEWHAM = 'E09000025';
const TOWER_HAMLETS = 'E09000030';
const CROYDON = 'E09000008';
const BARNET = 'E09000003';
const HILLINGDON = 'E09000017';
const LAMBETH = 'E09000022';

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

interface Provider {
  name: string;
  borough: string;
  email: string;
  key: string;
  id: string;
  property: Record<string, unknown>;
}

describe('a man needs a bed tonight, away from Newham', () => {
  const stack = new HarbourStack();
  const inbox = new SmtpInbox();
  const mailbox = (name: string) => `${name}-${stack.run}@e2e.harbour.localhost`.replace(/_/g, '-');
  // Marker values in every personal field: his name reaches the accepting provider in the API
  // answer only, never an e-mail, a log line, a span or a dead letter.
  const markers = new PersonalDataMarkers();
  const { token } = markers;
  const givenName = markers.name('given name');
  const familyName = markers.name('family name');
  const dateOfBirth = markers.dateOfBirth('date of birth', 34);
  const men = { genderServed: 'male', ages: ['adult'], supportLevel: 'emergency' };
  const base = {
    nrmStages: ['pre_nrm', 'recovery_period'],
    nrpfAccepted: true,
    beds: 4,
    availableBeds: 2,
  };
  const providers: Record<string, Provider> = {
    croydon: {
      name: 'Croydon men’s house e2e',
      borough: CROYDON,
      email: mailbox('croydon-house'),
      key: '',
      id: '',
      property: {
        ...base,
        ...men,
        label: 'Croydon house',
        borough: CROYDON,
        postcodeDistrict: 'CR0',
        languages: ['en', 'sq'],
      },
    },
    barnet: {
      name: 'Barnet men’s house e2e',
      borough: BARNET,
      email: mailbox('barnet-house'),
      key: '',
      id: '',
      property: {
        ...base,
        ...men,
        label: 'Barnet house',
        borough: BARNET,
        postcodeDistrict: 'N12',
        languages: ['en'],
      },
    },
    hillingdon: {
      name: 'Hillingdon men’s house e2e',
      borough: HILLINGDON,
      email: mailbox('hillingdon-house'),
      key: '',
      id: '',
      property: {
        ...base,
        ...men,
        label: 'Hillingdon house',
        borough: HILLINGDON,
        postcodeDistrict: 'UB8',
        languages: ['en'],
      },
    },
    // Never asked: a women's refuge, and a mixed hostel inside the exclusion zone.
    lambeth: {
      name: 'Lambeth women’s refuge e2e',
      borough: LAMBETH,
      email: mailbox('lambeth-refuge'),
      key: '',
      id: '',
      property: {
        ...base,
        genderServed: 'female',
        ages: ['adult'],
        supportLevel: 'emergency',
        label: 'Lambeth refuge',
        borough: LAMBETH,
        postcodeDistrict: 'SE11',
        languages: ['sq'],
      },
    },
    towerHamlets: {
      name: 'Tower Hamlets hostel e2e',
      borough: TOWER_HAMLETS,
      email: mailbox('tower-hamlets-hostel'),
      key: '',
      id: '',
      property: {
        ...base,
        genderServed: 'any',
        ages: ['adult'],
        supportLevel: 'emergency',
        label: 'Tower Hamlets hostel',
        borough: TOWER_HAMLETS,
        postcodeDistrict: 'E1',
        languages: ['sq'],
      },
    },
  };
  const police = { email: mailbox('newham-spoc'), key: '' };
  const coordinator = mailbox('hub');
  const ours = () =>
    new Set([police.email, coordinator, ...Object.values(providers).map((p) => p.email)]);
  const db = new Client({ connectionString: testDatabaseUrl() });

  beforeAll(async () => {
    const org = (name: string, kind: string, borough: string) =>
      idOf(stack.cli('org', 'add', '--name', name, '--kind', kind, '--borough', borough));
    for (const provider of Object.values(providers)) {
      provider.id = org(provider.name, 'housing_provider', provider.borough);
      stack.cli('contact', 'add', '--org', provider.id, '--email', provider.email);
      provider.key = keyOf(stack.cli('key', 'issue', '--org', provider.id, '--role', 'submit'));
    }
    const newham = org('Newham SPoC e2e', 'police_borough', NEWHAM);
    stack.cli('contact', 'add', '--org', newham, '--email', police.email);
    police.key = keyOf(stack.cli('key', 'issue', '--org', newham, '--role', 'submit'));
    const hub = org('Coordination hub e2e', 'coordinator', 'pan_london');
    stack.cli('contact', 'add', '--org', hub, '--email', coordinator);
    await stack.start();
    await db.connect();
    for (const provider of Object.values(providers)) {
      const registered = await call(
        'accommodation',
        'POST',
        '/v1/properties',
        provider.key,
        provider.property,
      );
      expect(registered.status).toBe(201);
    }
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
  async function call(
    service: 'intake' | 'accommodation' | 'notification',
    method: string,
    path: string,
    key: string,
    body?: unknown,
  ): Promise<Response> {
    return fetch(`${stack.url(service)}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${key}`,
        'idempotency-key': `e2e-${stack.run}-${++requests}`,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }
  const addressed = (m: InboxMessage, address: string) =>
    m.to.some((t) => t.address.toLowerCase() === address.toLowerCase());
  /** E-mails of this stack's alerts about the request (each carries its alert reference). */
  const emailsAbout = async (requestId: string): Promise<InboxMessage[]> => {
    const alertIds = (await stack.decidedAlerts(requestId)).map((d) => d.alertId);
    return (await inbox.messages()).filter((m) =>
      alertIds.some((id) => (m.text ?? '').includes(id)),
    );
  };
  const recipientsOf = (messages: InboxMessage[]) => {
    const mine = ours();
    return new Set(messages.flatMap((m) => m.to.map((t) => t.address)).filter((a) => mine.has(a)));
  };

  let requestId = '';
  const asked = () => [providers.croydon!, providers.barnet!, providers.hillingdon!];

  it('offers a bed to the three men’s houses outside the zone, and to nobody else', async () => {
    const postedAt = Date.now();
    const response = await call('intake', 'POST', '/v1/bed-requests', police.key, {
      person: { givenName, familyName, dateOfBirth, gender: 'male', ageYears: 34 },
      accompanyingChildren: 0,
      languages: ['sq'],
      accessNeeds: [],
      supportLevel: 'emergency',
      nrmStage: 'pre_nrm',
      nrpf: true,
      urgency: { kind: 'tonight' },
      exclusionZones: {
        boroughs: [NEWHAM],
        around: [{ postcode: 'E15 1AA', borough: NEWHAM, radiusKm: 8 }],
      },
      borough: NEWHAM,
    });
    expect(response.status).toBe(202);
    requestId = ((await response.json()) as { requestId: string }).requestId;

    let firstOfferMs: number | undefined;
    const offers = await expectEventually(
      async () => {
        const about = (await emailsAbout(requestId)).filter(
          (m) => !m.subject.startsWith('[CLOSED]'),
        );
        if (firstOfferMs === undefined && about.length > 0) firstOfferMs = Date.now() - postedAt;
        const reached = recipientsOf(about);
        const missing = asked().filter((p) => !reached.has(p.email));
        if (missing.length > 0)
          throw new Error(`no offer yet for ${missing.map((p) => p.name).join(', ')}`);
        return about;
      },
      { timeoutMs: 90_000, intervalMs: 50, description: 'the bed offers' },
    );
    process.stderr.write(`e2e: POST bed request → first offer e-mail: ${firstOfferMs} ms\n`);
    expect([...recipientsOf(offers)].sort()).toEqual(
      asked()
        .map((p) => p.email)
        .sort(),
    );
    for (const email of offers) {
      expect(email.subject).toMatch(/^\[CRITICAL\] Bed needed tonight/);
      expect(JSON.stringify(email)).not.toContain(token);
    }
  });

  it('places him with the first provider to accept, who alone learns his name', async () => {
    const croydon = providers.croydon!;
    const offerOf = async (provider: Provider) => {
      const response = await call('accommodation', 'GET', '/v1/offers', provider.key);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { offers: { offerId: string; requestId: string }[] };
      expect(JSON.stringify(body)).not.toContain(token);
      const offer = body.offers.find((o) => o.requestId === requestId);
      expect(offer).toBeDefined();
      return offer!.offerId;
    };
    const offerId = await offerOf(croydon);

    const accepted = await call(
      'accommodation',
      'POST',
      `/v1/offers/${offerId}/decision`,
      croydon.key,
      {
        decision: 'accept',
      },
    );
    expect(accepted.status).toBe(201);
    const placement = JSON.stringify(await accepted.json());
    expect(placement).toContain(givenName);
    expect(placement).toContain(familyName);

    // The others are released at once; the police hear a bed was found.
    for (const other of [providers.barnet!, providers.hillingdon!]) {
      await inbox.waitFor(
        (m) =>
          addressed(m, other.email) &&
          m.subject.startsWith('[CLOSED]') &&
          /another provider/i.test(m.text ?? ''),
        { timeoutMs: 60_000, description: `the release of ${other.name}'s hold` },
      );
    }
    const found = await inbox.waitFor(
      (m) => addressed(m, police.email) && /Bed found/.test(m.subject),
      { timeoutMs: 60_000, description: 'the police told a bed was found' },
    );
    expect(JSON.stringify(found)).not.toContain(token);

    // A second acceptance of the same request by a released provider is refused: one placement.
    const barnetOffer = await offerOf(providers.barnet!);
    const late = await call(
      'accommodation',
      'POST',
      `/v1/offers/${barnetOffer}/decision`,
      providers.barnet!.key,
      {
        decision: 'accept',
      },
    );
    expect(late.status).toBe(409);
  });

  it('never e-mailed the refuge or the hostel inside the zone, nor anyone his name', async () => {
    const everything = await emailsAbout(requestId);
    const reached = recipientsOf(everything);
    expect(reached.has(providers.lambeth!.email)).toBe(false);
    expect(reached.has(providers.towerHamlets!.email)).toBe(false);
    for (const email of everything) expect(JSON.stringify(email)).not.toContain(token);
    expect(stack.allLogs()).not.toContain(token);
  });

  // Last: the stack stops (flushing its last spans) and everything it wrote is scanned.
  it('leaves no marker in any log line, span or dead letter', async () => {
    await stack.stop();
    expectNothingLeaked(await scanForPersonalData(stack, markers, 'bed request'));
  });
});
