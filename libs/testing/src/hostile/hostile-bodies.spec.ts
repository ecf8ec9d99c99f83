import fc from 'fast-check';
import { contractOracle, restBodySchema } from './contract-schemas';
import { HARBOUR_BODY_LIMIT_BYTES, type HostileCase, hostileBodies } from './hostile-bodies';

const schema = restBodySchema('missing-episode-update');
const valid = {
  kind: 'sighting',
  seenAt: '2026-03-01T18:30:00Z',
  location: { postcode: 'NW1 2DB', borough: 'E09000007' },
  note: 'seen near the station',
};

function sample(runs = 800): HostileCase[] {
  return fc.sample(hostileBodies({ schema, valid }), { numRuns: runs, seed: 42 });
}

describe('hostile bodies from a contract', () => {
  it('inlines $refs so the judge knows every field', () => {
    const judge = contractOracle(schema);
    expect(judge(valid)).toBe(true);
    expect(judge({ ...valid, location: { borough: 'Camden' } })).toBe(false);
    expect(judge({ ...valid, seenAt: '2026-02-30T25:61:00Z' })).toBe(false);
  });

  it('refuses to start from an example that is not valid', () => {
    expect(() => hostileBodies({ schema, valid: { kind: 'sighting' } })).toThrow(/breaks/);
  });

  it('produces every kind of attack', () => {
    const kinds = new Set(sample().map((c) => c.kind));
    expect([...kinds].sort()).toEqual(
      [
        'array-for-object',
        'bad-date',
        'deep-nesting',
        'extra-property',
        'huge-string',
        'hostile-text',
        'malformed-json',
        'missing-required',
        'non-json-content-type',
        'oversized-body',
        'wrong-root',
        'wrong-type',
      ].sort(),
    );
  });

  it('marks contract-breaking bodies as to be refused, hostile-looking valid text as allowed', () => {
    const cases = sample();
    const byKind = (kind: HostileCase['kind']) => cases.filter((c) => c.kind === kind);
    for (const kind of [
      'wrong-type',
      'missing-required',
      'malformed-json',
      'oversized-body',
    ] as const) {
      expect(byKind(kind).every((c) => c.mustReject)).toBe(true);
    }
    expect(byKind('non-json-content-type').every((c) => c.mustReject)).toBe(true);
    // A SQL fragment in the free-text note is valid: the service may take it (and must not break).
    expect(byKind('hostile-text').some((c) => !c.mustReject && c.pointer === '/note')).toBe(true);
    expect(
      byKind('extra-property').some((c) => c.body.includes('"__proto__"') && c.mustReject),
    ).toBe(true);
  });

  it('sends huge strings, 10 000-level nesting and bodies over the limit', () => {
    const cases = sample();
    expect(cases.some((c) => c.kind === 'huge-string' && c.body.length > 100_000)).toBe(true);
    expect(
      cases.some((c) => c.kind === 'deep-nesting' && c.body.includes('['.repeat(10_000))),
    ).toBe(true);
    for (const c of cases.filter((c) => c.kind === 'oversized-body')) {
      expect(Buffer.byteLength(c.body)).toBeGreaterThan(HARBOUR_BODY_LIMIT_BYTES);
    }
    for (const c of cases.filter((c) => c.kind !== 'oversized-body')) {
      expect(Buffer.byteLength(c.body)).toBeLessThan(HARBOUR_BODY_LIMIT_BYTES);
    }
  });

  it('lets an optional body be empty or of another media type', () => {
    const cases = fc.sample(
      hostileBodies({
        schema: {
          type: 'object',
          additionalProperties: false,
          properties: { response: { type: 'string' } },
        },
        valid: {},
        bodyOptional: true,
      }),
      { numRuns: 1_000, seed: 7 },
    );
    expect(
      cases.filter((c) => c.kind === 'non-json-content-type').every((c) => !c.mustReject),
    ).toBe(true);
  });
});
