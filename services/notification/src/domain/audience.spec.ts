import {
  type Audience,
  coordinatorFallbackRule,
  type DirectoryOrganisation,
  matchRule,
  NAMED_ORGANISATION_RULE,
  type Recipient,
  resolveAudience,
} from './audience';

const CAMDEN = 'E09000007';
const ISLINGTON = 'E09000019';
const CROYDON = 'E09000008';

let next = 0;
function org(
  partial: Partial<DirectoryOrganisation> & Pick<DirectoryOrganisation, 'kind'>,
): DirectoryOrganisation {
  next += 1;
  return {
    id: `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`,
    name: `Organisation ${next}`,
    boroughs: [CAMDEN],
    specialisms: [],
    languages: [],
    ...partial,
  };
}

function audience(partial: Partial<Audience> = {}): Audience {
  return { roles: ['missing_person_unit'], boroughs: [CAMDEN], ...partial };
}

const names = (recipients: { organisation: { name: string } }[]): string[] =>
  recipients.map((r) => r.organisation.name);

/** Routing alone: for an alert of a purpose every kind may receive, nobody is withheld. */
function reach(wanted: Audience, organisations: readonly DirectoryOrganisation[]): Recipient[] {
  const { recipients, withheld } = resolveAudience(wanted, organisations, 'safeguarding');
  expect(withheld).toEqual([]);
  return recipients;
}

describe('resolveAudience', () => {
  it('reaches the organisations of the audience role in the audience borough, saying why', () => {
    const camdenMpu = org({ kind: 'missing_person_unit', name: 'Camden MPU' });
    const recipients = reach(audience(), [camdenMpu]);
    expect(recipients).toEqual([
      { organisation: camdenMpu, rule: 'role=missing_person_unit & borough=E09000007' },
    ]);
  });

  it('leaves out organisations of other kinds, even in the right borough', () => {
    const organisations = [
      org({ kind: 'missing_person_unit', name: 'Camden MPU' }),
      org({ kind: 'police_borough', name: 'Camden SPoC' }),
      org({ kind: 'ngo', name: 'Camden NGO' }),
    ];
    expect(names(reach(audience(), organisations))).toEqual(['Camden MPU']);
  });

  it('reaches every listed role, in the order the audience lists them', () => {
    const organisations = [
      org({ kind: 'local_authority', name: 'A Camden Children' }),
      org({ kind: 'missing_person_unit', name: 'Z Camden MPU' }),
      org({ kind: 'ngo', name: 'Camden NGO' }),
    ];
    const recipients = reach(
      audience({ roles: ['missing_person_unit', 'local_authority'] }),
      organisations,
    );
    expect(names(recipients)).toEqual(['Z Camden MPU', 'A Camden Children']);
  });

  it('leaves out organisations that serve only other boroughs', () => {
    const organisations = [
      org({ kind: 'missing_person_unit', name: 'Croydon MPU', boroughs: [CROYDON] }),
      org({ kind: 'missing_person_unit', name: 'Camden MPU', boroughs: [CAMDEN] }),
    ];
    expect(names(reach(audience(), organisations))).toEqual(['Camden MPU']);
  });

  it('reaches an organisation serving pan_london for any borough, and says so', () => {
    const panLondon = org({
      kind: 'missing_person_unit',
      name: 'Pan-London unit',
      boroughs: ['pan_london'],
    });
    const [recipient] = reach(audience({ boroughs: [CROYDON] }), [panLondon]);
    expect(recipient?.organisation).toBe(panLondon);
    expect(recipient?.rule).toBe(
      'role=missing_person_unit & borough=E09000008 (serves pan_london)',
    );
  });

  it('reaches organisations of every borough when the audience is pan_london', () => {
    const organisations = [
      org({ kind: 'coordinator', name: 'Croydon coordinator', boroughs: [CROYDON] }),
      org({ kind: 'coordinator', name: 'Camden coordinator', boroughs: [CAMDEN] }),
      org({ kind: 'ngo', name: 'An NGO', boroughs: [CAMDEN] }),
    ];
    const recipients = reach(
      audience({ roles: ['coordinator'], boroughs: ['pan_london'] }),
      organisations,
    );
    expect(names(recipients)).toEqual(['Camden coordinator', 'Croydon coordinator']);
    expect(recipients.map((r) => r.rule)).toEqual([
      'role=coordinator & borough=pan_london',
      'role=coordinator & borough=pan_london',
    ]);
  });

  it('lists an organisation reached through several boroughs once, naming them all', () => {
    const both = org({
      kind: 'missing_person_unit',
      name: 'North Central MPU',
      boroughs: [CAMDEN, ISLINGTON],
    });
    const recipients = reach(audience({ boroughs: [CAMDEN, ISLINGTON] }), [both]);
    expect(recipients).toHaveLength(1);
    expect(recipients[0]?.rule).toBe('role=missing_person_unit & borough=E09000007,E09000019');
  });

  it('prefers a direct borough match over pan_london for the rule, and still lists the organisation once', () => {
    const dual = org({
      kind: 'missing_person_unit',
      name: 'Dual',
      boroughs: [CAMDEN, 'pan_london'],
    });
    const recipients = reach(audience(), [dual]);
    expect(recipients).toHaveLength(1);
    expect(recipients[0]?.rule).toBe('role=missing_person_unit & borough=E09000007');
  });

  it('de-duplicates an organisation that appears twice among the candidates', () => {
    const mpu = org({ kind: 'missing_person_unit', name: 'Camden MPU' });
    expect(reach(audience(), [mpu, { ...mpu }])).toHaveLength(1);
  });

  it('needs every specialism the audience names', () => {
    const organisations = [
      org({ kind: 'ngo', name: 'Both', specialisms: ['sex_work', 'labour', 'children'] }),
      org({ kind: 'ngo', name: 'Only labour', specialisms: ['labour'] }),
      org({ kind: 'ngo', name: 'None' }),
    ];
    const recipients = reach(
      audience({ roles: ['ngo'], specialisms: ['sex_work', 'labour'] }),
      organisations,
    );
    expect(names(recipients)).toEqual(['Both']);
    expect(recipients[0]?.rule).toBe('role=ngo & borough=E09000007 & specialism=sex_work,labour');
  });

  it('needs at least one of the audience languages, and names the ones offered', () => {
    const organisations = [
      org({ kind: 'ngo', name: 'Romanian', languages: ['ro', 'en'] }),
      org({ kind: 'ngo', name: 'Vietnamese', languages: ['vi'] }),
      org({ kind: 'ngo', name: 'English only', languages: ['en'] }),
    ];
    const recipients = reach(
      audience({ roles: ['ngo'], languages: ['ro', 'sq', 'vi'] }),
      organisations,
    );
    expect(names(recipients)).toEqual(['Romanian', 'Vietnamese']);
    expect(recipients.map((r) => r.rule)).toEqual([
      'role=ngo & borough=E09000007 & language=ro',
      'role=ngo & borough=E09000007 & language=vi',
    ]);
  });

  it('routes on age group: child-only partners never get adult alerts, all-ages partners get both', () => {
    const childNgo = org({ kind: 'ngo', name: 'Child NGO', ageGroups: ['child'] });
    const adultNgo = org({ kind: 'ngo', name: 'Adult NGO', ageGroups: ['adult'] });
    const anyNgo = org({ kind: 'ngo', name: 'All ages NGO' });
    const all = [childNgo, adultNgo, anyNgo];
    const child = reach(audience({ roles: ['ngo'], ageGroup: 'child' }), all);
    expect(names(child)).toEqual(['All ages NGO', 'Child NGO']);
    expect(child.find((r) => r.organisation === childNgo)?.rule).toBe(
      'role=ngo & borough=E09000007 & age=child',
    );
    expect(names(reach(audience({ roles: ['ngo'], ageGroup: 'adult' }), all))).toEqual([
      'Adult NGO',
      'All ages NGO',
    ]);
    expect(reach(audience({ roles: ['ngo'], ageGroup: 'any' }), all)).toHaveLength(3);
  });

  it('sets no specialism or language condition when the audience names none', () => {
    const plain = org({ kind: 'ngo', name: 'Plain' });
    expect(
      names(reach(audience({ roles: ['ngo'], specialisms: [], languages: [] }), [plain])),
    ).toEqual(['Plain']);
  });

  it('reaches nobody when no organisation matches', () => {
    const organisations = [
      org({ kind: 'missing_person_unit', boroughs: [CROYDON] }),
      org({ kind: 'ngo', boroughs: [CAMDEN] }),
    ];
    expect(reach(audience(), organisations)).toEqual([]);
    expect(reach(audience(), [])).toEqual([]);
  });

  describe('anyOfSpecialisms', () => {
    it('reaches an organisation that offers one of several, naming the one it offers', () => {
      const organisations = [
        org({ kind: 'ngo', name: 'Outreach', specialisms: ['outreach', 'women'] }),
        org({ kind: 'ngo', name: 'Labour', specialisms: ['labour'] }),
      ];
      const recipients = reach(
        audience({ roles: ['ngo'], anyOfSpecialisms: ['sexual', 'outreach', 'labour'] }),
        organisations,
      );
      expect(recipients.map((r) => [r.organisation.name, r.rule])).toEqual([
        ['Labour', 'role=ngo & borough=E09000007 & specialism∈labour'],
        ['Outreach', 'role=ngo & borough=E09000007 & specialism∈outreach'],
      ]);
    });

    it('names every one of them the organisation offers', () => {
      const both = org({ kind: 'ngo', name: 'Both', specialisms: ['labour', 'sexual'] });
      expect(
        matchRule(audience({ roles: ['ngo'], anyOfSpecialisms: ['sexual', 'labour'] }), both),
      ).toBe('role=ngo & borough=E09000007 & specialism∈sexual,labour');
    });

    it('leaves out an organisation that offers none of them', () => {
      const organisations = [
        org({ kind: 'ngo', name: 'Children', specialisms: ['children'] }),
        org({ kind: 'ngo', name: 'Nothing' }),
      ];
      expect(
        reach(audience({ roles: ['ngo'], anyOfSpecialisms: ['sexual', 'labour'] }), organisations),
      ).toEqual([]);
    });

    it('combines with specialisms, which must all be offered', () => {
      const organisations = [
        org({ kind: 'ngo', name: 'Women and sexual', specialisms: ['women', 'sexual'] }),
        org({ kind: 'ngo', name: 'Sexual only', specialisms: ['sexual'] }),
        org({ kind: 'ngo', name: 'Women only', specialisms: ['women'] }),
      ];
      const recipients = reach(
        audience({
          roles: ['ngo'],
          specialisms: ['women'],
          anyOfSpecialisms: ['sexual', 'labour'],
        }),
        organisations,
      );
      expect(recipients.map((r) => [r.organisation.name, r.rule])).toEqual([
        ['Women and sexual', 'role=ngo & borough=E09000007 & specialism=women & specialism∈sexual'],
      ]);
    });
  });

  describe('organisations named by id', () => {
    it('reaches a named organisation in another borough, of another kind, with other specialisms', () => {
      const camdenNgo = org({ kind: 'ngo', name: 'Camden NGO', specialisms: ['sexual'] });
      const planner = org({ kind: 'police_specialist', name: 'Planner', boroughs: [CROYDON] });
      const recipients = reach(
        audience({ roles: ['ngo'], specialisms: ['sexual'], organisations: [planner.id] }),
        [planner, camdenNgo],
      );
      expect(recipients).toEqual([
        { organisation: camdenNgo, rule: 'role=ngo & borough=E09000007 & specialism=sexual' },
        { organisation: planner, rule: NAMED_ORGANISATION_RULE },
      ]);
      expect(NAMED_ORGANISATION_RULE).toBe('organisation=named');
    });

    it('reaches a named organisation whatever its languages and age groups', () => {
      const planner = org({
        kind: 'police_specialist',
        boroughs: [CROYDON],
        languages: ['en'],
        ageGroups: ['adult'],
      });
      const named = audience({
        roles: ['ngo'],
        anyOfSpecialisms: ['children'],
        languages: ['ro'],
        ageGroup: 'child',
        organisations: [planner.id],
      });
      expect(reach(named, [planner])).toEqual([
        { organisation: planner, rule: 'organisation=named' },
      ]);
      expect(matchRule(named, planner)).toBe('organisation=named');
    });

    it('lists named organisations after those the roles select, in the order named', () => {
      const ngo = org({ kind: 'ngo', name: 'Z Camden NGO' });
      const first = org({ kind: 'police_borough', name: 'B police', boroughs: [CROYDON] });
      const second = org({ kind: 'local_authority', name: 'A council', boroughs: [ISLINGTON] });
      const recipients = reach(audience({ roles: ['ngo'], organisations: [first.id, second.id] }), [
        second,
        ngo,
        first,
      ]);
      expect(names(recipients)).toEqual(['Z Camden NGO', 'B police', 'A council']);
    });

    it('lists a named organisation the roles also select once, with the roles’ rule', () => {
      const mpu = org({ kind: 'missing_person_unit', name: 'Camden MPU' });
      const recipients = reach(audience({ organisations: [mpu.id] }), [mpu, { ...mpu }]);
      expect(recipients).toEqual([
        { organisation: mpu, rule: 'role=missing_person_unit & borough=E09000007' },
      ]);
      expect(matchRule(audience({ organisations: [mpu.id] }), mpu)).toBe(
        'role=missing_person_unit & borough=E09000007',
      );
    });

    it('ignores a named id that is not in the directory', () => {
      const mpu = org({ kind: 'missing_person_unit', name: 'Camden MPU' });
      const unknown = '00000000-0000-4000-8000-999999999999';
      expect(reach(audience({ organisations: [unknown] }), [mpu])).toEqual([
        { organisation: mpu, rule: 'role=missing_person_unit & borough=E09000007' },
      ]);
      expect(reach(audience({ boroughs: [CROYDON], organisations: [unknown] }), [mpu])).toEqual([]);
    });

    it('does not reach an organisation that is neither selected nor named', () => {
      const croydonMpu = org({ kind: 'missing_person_unit', boroughs: [CROYDON] });
      expect(matchRule(audience({ organisations: [] }), croydonMpu)).toBeUndefined();
    });
  });

  describe('namedOnly', () => {
    it('reaches only the named organisations of the audience roles, whatever their borough', () => {
      const provider = org({ kind: 'housing_provider', name: 'Safe house', boroughs: [CROYDON] });
      const other = org({ kind: 'housing_provider', name: 'Other house', boroughs: [CAMDEN] });
      const immigration = org({ kind: 'immigration', name: 'UKVI', boroughs: ['pan_london'] });
      const offer = audience({
        roles: ['housing_provider'],
        boroughs: ['pan_london'],
        organisations: [provider.id, immigration.id, provider.id],
        namedOnly: true,
      });
      expect(reach(offer, [other, immigration, provider])).toEqual([
        { organisation: provider, rule: 'organisation=named-only & role=housing_provider' },
      ]);
      expect(matchRule(offer, other)).toBeUndefined();
      // A named organisation of a kind the roles do not allow is never reached.
      expect(matchRule(offer, immigration)).toBeUndefined();
      expect(matchRule(offer, provider)).toBe('organisation=named-only & role=housing_provider');
    });

    it('reaches nobody when it names nobody', () => {
      const provider = org({ kind: 'housing_provider' });
      expect(reach(audience({ roles: ['housing_provider'], namedOnly: true }), [provider])).toEqual(
        [],
      );
    });
  });

  describe('coordinator fallback', () => {
    it('is needed when nobody is selected or named, and says what was asked for', () => {
      const croydonNgo = org({ kind: 'ngo', boroughs: [CROYDON], specialisms: ['labour'] });
      const wanted = audience({
        roles: ['ngo'],
        specialisms: ['women'],
        anyOfSpecialisms: ['sexual', 'labour'],
      });
      expect(reach(wanted, [croydonNgo])).toEqual([]);
      expect(coordinatorFallbackRule(wanted)).toBe(
        'fallback=coordinator: no reachable partner for role=ngo & borough=E09000007 & specialism=women & specialism∈sexual,labour',
      );
      // Unchanged for an audience without the newer fields.
      expect(coordinatorFallbackRule(audience({ ageGroup: 'child' }))).toBe(
        'fallback=coordinator: no reachable partner for role=missing_person_unit & borough=E09000007 & age=child',
      );
    });

    it('is not needed when only a named organisation is reached: it counts as a match', () => {
      const planner = org({ kind: 'police_specialist', boroughs: [CROYDON] });
      const croydonNgo = org({ kind: 'ngo', boroughs: [CROYDON] });
      expect(
        reach(audience({ roles: ['ngo'], organisations: [planner.id] }), [croydonNgo, planner]),
      ).toEqual([{ organisation: planner, rule: 'organisation=named' }]);
    });
  });
});

describe('resolveAudience: purpose-bound sharing', () => {
  const ukvi = (): DirectoryOrganisation =>
    org({ kind: 'immigration', name: 'UKVI London', boroughs: ['pan_london'] });

  it('withholds a referral from an immigration team the roles select, saying so', () => {
    const immigration = ukvi();
    const ngo = org({ kind: 'ngo', name: 'Camden NGO' });
    const wanted = audience({ roles: ['immigration', 'ngo'] });
    const resolved = resolveAudience(wanted, [immigration, ngo], 'victim_support');
    expect(resolved.recipients.map((r) => r.organisation)).toEqual([ngo]);
    expect(resolved.withheld).toEqual([
      {
        organisation: immigration,
        rule: 'role=immigration & borough=E09000007 (serves pan_london)',
      },
    ]);
    // The same audience for an operation reaches both.
    expect(
      resolveAudience(wanted, [immigration, ngo], 'safeguarding').recipients.map(
        (r) => r.organisation,
      ),
    ).toEqual([immigration, ngo]);
  });

  it('withholds it from an immigration team named by id, whatever the roles', () => {
    const immigration = ukvi();
    const ngo = org({ kind: 'ngo', name: 'Camden NGO' });
    const resolved = resolveAudience(
      audience({ roles: ['ngo'], organisations: [immigration.id] }),
      [ngo, immigration],
      'victim_support',
    );
    expect(names(resolved.recipients)).toEqual(['Camden NGO']);
    expect(resolved.withheld).toEqual([
      { organisation: immigration, rule: NAMED_ORGANISATION_RULE },
    ]);
  });

  it('withholds it from a named-only immigration team even when the roles allow it', () => {
    const immigration = ukvi();
    const provider = org({ kind: 'housing_provider', name: 'Safe house' });
    const resolved = resolveAudience(
      audience({
        roles: ['housing_provider', 'immigration'],
        organisations: [immigration.id, provider.id],
        namedOnly: true,
      }),
      [immigration, provider],
      'victim_support',
    );
    expect(names(resolved.recipients)).toEqual(['Safe house']);
    expect(names(resolved.withheld)).toEqual(['UKVI London']);
  });

  it('leaves nobody when immigration was all routing found: the caller falls back to the coordinator', () => {
    const immigration = ukvi();
    const resolved = resolveAudience(
      audience({ roles: ['immigration'] }),
      [immigration],
      'victim_support',
    );
    expect(resolved.recipients).toEqual([]);
    expect(names(resolved.withheld)).toEqual(['UKVI London']);
  });

  it('withholds nothing from the other kinds', () => {
    const everyoneElse = (
      [
        'police_borough',
        'police_specialist',
        'local_authority',
        'ngo',
        'housing_provider',
        'missing_person_unit',
        'coordinator',
      ] as const
    ).map((kind) => org({ kind, name: kind }));
    const resolved = resolveAudience(
      audience({ roles: everyoneElse.map((o) => o.kind) }),
      everyoneElse,
      'victim_support',
    );
    expect(resolved.recipients).toHaveLength(everyoneElse.length);
    expect(resolved.withheld).toEqual([]);
  });
});
