import {
  acceptedId,
  buildRequest,
  lettersFor,
  MIX,
  pickTemplate,
  schedule,
  seededRandom,
} from './load-mix';

describe('the load schedule', () => {
  it('spaces rate × seconds requests evenly, numbered on from the first sequence number', () => {
    const plan = schedule(50, 2, 7, seededRandom(1));
    expect(plan).toHaveLength(100);
    expect(plan[0]).toMatchObject({ seq: 7, atMs: 0 });
    expect(plan[1]!.atMs).toBe(20);
    expect(plan.at(-1)).toMatchObject({ seq: 106, atMs: 1980 });
  });

  it('draws the same templates for the same seed, in about the documented proportions', () => {
    const a = schedule(100, 100, 0, seededRandom(8)).map((p) => p.template);
    const b = schedule(100, 100, 0, seededRandom(8)).map((p) => p.template);
    expect(a).toEqual(b);
    const total = MIX.reduce((sum, entry) => sum + entry.weight, 0);
    for (const { template, weight } of MIX) {
      const share = a.filter((t) => t === template).length / a.length;
      expect(Math.abs(share - weight / total)).toBeLessThan(0.03);
    }
  });

  it('picks by weight', () => {
    const mix = [
      { template: 'raid' as const, weight: 1 },
      { template: 'bed-request' as const, weight: 3 },
    ];
    expect(pickTemplate(() => 0, mix)).toBe('raid');
    expect(pickTemplate(() => 0.24, mix)).toBe('raid');
    expect(pickTemplate(() => 0.26, mix)).toBe('bed-request');
    expect(pickTemplate(() => 0.999, mix)).toBe('bed-request');
  });
});

describe('request bodies', () => {
  it('gives every event its own letters-only name, so no two children are linked', () => {
    const names = new Set(Array.from({ length: 2000 }, (_, i) => lettersFor(i)));
    expect(names.size).toBe(2000);
    for (const name of names) expect(name).toMatch(/^B[a-z]+$/);
  });

  it('plans operations three days ahead, past the short-notice window and the later releases', () => {
    const now = new Date('2026-11-28T12:00:00Z');
    const raid = buildRequest('raid', 3, now).body as {
      plannedStart: string;
      address: { line1: string };
    };
    expect(raid.plannedStart).toBe('2026-12-01T12:00:00.000Z');
    expect(raid.address.line1).toBe('4 Measure Parade');
  });

  it('reads the accepted id whatever the resource calls it', () => {
    const id = '0F8FAD5B-D9CB-469F-A165-70867728950E';
    expect(acceptedId({ episodeId: id, status: 'accepted' })).toBe(id.toLowerCase());
    expect(acceptedId({ requestId: id })).toBe(id.toLowerCase());
    expect(acceptedId({ status: 'accepted' })).toBeNull();
    expect(acceptedId(null)).toBeNull();
  });
});
