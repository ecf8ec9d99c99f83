import type { OrganisationKind } from '@harbour/contracts';
import {
  CAUSE_PURPOSES,
  mayReceive,
  partitionByPurpose,
  PURPOSE_RECIPIENTS,
  purposeOf,
  RESPONSE_PURPOSE,
  withheldNote,
} from './purpose';

const ALL_KINDS: OrganisationKind[] = [
  'police_borough',
  'police_specialist',
  'immigration',
  'local_authority',
  'ngo',
  'housing_provider',
  'missing_person_unit',
  'coordinator',
];

describe('purpose-bound sharing', () => {
  it('treats referrals and bed requests as victim support, operations and missing episodes as safeguarding', () => {
    expect(purposeOf({ cause: { kind: 'referral' } })).toBe('victim_support');
    expect(purposeOf({ cause: { kind: 'bed_request' } })).toBe('victim_support');
    expect(purposeOf({ cause: { kind: 'operation' } })).toBe('safeguarding');
    expect(purposeOf({ cause: { kind: 'missing_episode' } })).toBe('safeguarding');
  });

  it('treats a cause kind it does not know as victim support (the narrower audience)', () => {
    expect(purposeOf({ cause: { kind: 'festival' } })).toBe('victim_support');
    expect(purposeOf({ cause: { kind: 'constructor' } })).toBe('victim_support');
    expect(purposeOf({ cause: { kind: 'toString' } })).toBe('victim_support');
  });

  it('never lets victim-support data reach an immigration organisation', () => {
    expect(mayReceive('victim_support', 'immigration')).toBe(false);
    expect(ALL_KINDS.filter((kind) => !mayReceive('victim_support', kind))).toEqual([
      'immigration',
    ]);
  });

  it('lets safeguarding alerts (operations, missing episodes) reach every kind', () => {
    expect(ALL_KINDS.filter((kind) => mayReceive('safeguarding', kind))).toEqual(ALL_KINDS);
  });

  it('gives an unknown organisation kind nothing, whatever the purpose', () => {
    for (const purpose of Object.keys(PURPOSE_RECIPIENTS) as (keyof typeof PURPOSE_RECIPIENTS)[]) {
      expect(mayReceive(purpose, 'border_force')).toBe(false);
      expect(mayReceive(purpose, '')).toBe(false);
    }
  });

  it('treats partners’ acknowledgement responses as victim support', () => {
    expect(RESPONSE_PURPOSE).toBe('victim_support');
    expect(mayReceive(RESPONSE_PURPOSE, 'immigration')).toBe(false);
    expect(mayReceive(RESPONSE_PURPOSE, 'police_specialist')).toBe(true);
  });

  it('decides a purpose for every cause kind of the contract', () => {
    expect(Object.keys(CAUSE_PURPOSES).sort()).toEqual([
      'bed_request',
      'missing_episode',
      'operation',
      'referral',
    ]);
  });

  it('splits candidates into allowed and withheld, keeping their order', () => {
    const candidates = [
      { id: 'a', kind: 'ngo' },
      { id: 'b', kind: 'immigration' },
      { id: 'c', kind: 'police_borough' },
      { id: 'd', kind: 'immigration' },
    ];
    const split = partitionByPurpose('victim_support', candidates, (c) => c.kind);
    expect(split.allowed.map((c) => c.id)).toEqual(['a', 'c']);
    expect(split.withheld.map((c) => c.id)).toEqual(['b', 'd']);
    expect(partitionByPurpose('safeguarding', candidates, (c) => c.kind).withheld).toEqual([]);
  });

  it('records a withheld recipient with a fixed note, never content', () => {
    expect(withheldNote('victim_support')).toBe('withheld: purpose victim_support');
  });
});
