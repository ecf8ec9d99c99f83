import {
  isPersonalDataKey,
  REDACTED,
  redactPersonalData,
  redactText,
} from './redact-personal-data';

describe('redactPersonalData', () => {
  it('redacts personal-data keys at any depth, whatever their case or separators', () => {
    const input = {
      alertId: 'a-1',
      borough: 'E09000007',
      child: {
        given_name: 'Amira',
        'Family-Name': 'Okafor',
        DateOfBirth: '2011-04-02',
        addressLine1: '1 Example Street',
        home_address: { street: 'x' },
        aliases: ['Ami'],
        contactEmail: 'carer@example.org',
        phoneNumber: '07700 900123',
        philomena_profile: { hair: 'dark' },
        risk: 'high',
      },
      headers: { Authorization: 'Bearer abc', cookie: 'sid=1', 'x-request-id': 'r-1' },
    };

    expect(redactPersonalData(input)).toEqual({
      alertId: 'a-1',
      borough: 'E09000007',
      child: {
        given_name: REDACTED,
        'Family-Name': REDACTED,
        DateOfBirth: REDACTED,
        addressLine1: REDACTED,
        home_address: { street: 'x' },
        aliases: REDACTED,
        contactEmail: REDACTED,
        phoneNumber: REDACTED,
        philomena_profile: REDACTED,
        risk: 'high',
      },
      headers: { Authorization: REDACTED, cookie: REDACTED, 'x-request-id': 'r-1' },
    });
  });

  it('leaves the input untouched', () => {
    const input = { name: 'Amira', nested: { email: 'a@b.org' } };
    redactPersonalData(input);
    expect(input).toEqual({ name: 'Amira', nested: { email: 'a@b.org' } });
  });

  it('walks arrays, Maps and Sets', () => {
    const people = new Map<string, unknown>([
      ['lead', { fullName: 'Jo Bloggs', role: 'victim' }],
      ['postcode', 'E1 6AN'],
    ]);
    expect(
      redactPersonalData({
        list: [{ firstName: 'Jo' }, 'call jo@example.org'],
        people,
        tags: new Set(['ok']),
      }),
    ).toEqual({
      list: [{ firstName: REDACTED }, `call ${REDACTED}`],
      people: { lead: { fullName: REDACTED, role: 'victim' }, postcode: REDACTED },
      tags: ['ok'],
    });
  });

  it('turns Errors into plain objects, redacting message, stack, fields and cause', () => {
    const cause = new Error('lookup failed for jo@example.org');
    const error = Object.assign(new Error('no bed for child at SW1A 1AA', { cause }), {
      code: 'NO_BED',
      narrative: 'details',
    });
    const redacted = redactPersonalData(error) as Record<string, unknown>;

    expect(redacted['type']).toBe('Error');
    expect(redacted['message']).toBe(`no bed for child at ${REDACTED}`);
    expect(redacted['stack']).toEqual(expect.stringContaining(`no bed for child at ${REDACTED}`));
    expect(redacted['code']).toBe('NO_BED');
    expect(redacted['narrative']).toBe(REDACTED);
    expect(redacted['cause']).toEqual(
      expect.objectContaining({ message: `lookup failed for ${REDACTED}` }),
    );
    expect(JSON.stringify(redacted)).not.toMatch(/SW1A|example\.org/);
  });

  it('survives cycles', () => {
    const node: Record<string, unknown> = { id: 'n1', email: 'x@y.org' };
    node['self'] = node;
    node['list'] = [node];
    expect(redactPersonalData(node)).toEqual({
      id: 'n1',
      email: REDACTED,
      self: '[Circular]',
      list: ['[Circular]'],
    });
  });

  it('keeps shared (non-cyclic) references', () => {
    const shared = { borough: 'E09000001' };
    expect(redactPersonalData({ a: shared, b: shared })).toEqual({ a: shared, b: shared });
  });

  it('summarises binary data instead of copying it', () => {
    expect(redactPersonalData({ scan: Buffer.from('secret bytes') })).toEqual({
      scan: '[Binary 12 bytes]',
    });
  });

  it('passes scalars through', () => {
    expect(redactPersonalData(42)).toBe(42);
    expect(redactPersonalData(null)).toBeNull();
    expect(redactPersonalData(undefined)).toBeUndefined();
    expect(redactPersonalData(true)).toBe(true);
  });
});

describe('redactText', () => {
  it.each([
    ['mail jo.bloggs+case@council.gov.uk now', `mail ${REDACTED} now`],
    ['seen near SW1A 1AA and e1 6an', `seen near ${REDACTED} and ${REDACTED}`],
    ['postcode M11AE', `postcode ${REDACTED}`],
    ['header Bearer hbr_abcdefghijkl_0123456789abcdef', `header Bearer ${REDACTED}`],
    ['key hbr_abcdefghijkl_Zm9v-YmFy_YmF6 leaked', `key ${REDACTED} leaked`],
  ])('redacts %j', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it.each([
    'operation 3f1c2a9e-5b7d-4e2f-9a1b-0c3d4e5f6a7b planned',
    'borough E09000007 at 2025-11-28T05:35:00.000Z',
    'retry 3 of 10 after 250 ms',
  ])('leaves %j alone', (input) => {
    expect(redactText(input)).toBe(input);
  });
});

describe('isPersonalDataKey', () => {
  it.each(['name', 'Name', 'given_name', 'DOB', 'address', 'addresses', 'api-key', 'accessToken'])(
    '%s is personal',
    (key) => {
      expect(isPersonalDataKey(key)).toBe(true);
    },
  );

  it.each(['service', 'borough', 'organisationId', 'status', 'kind', 'errorId', 'traceId'])(
    '%s is not',
    (key) => {
      expect(isPersonalDataKey(key)).toBe(false);
    },
  );
});
