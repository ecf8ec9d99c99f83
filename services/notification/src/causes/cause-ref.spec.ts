import { readCauseRef } from './cause-ref';

describe('readCauseRef', () => {
  it('reads each cause kind with a UUID, lower-casing the id', () => {
    for (const kind of ['operation', 'missing_episode', 'referral', 'bed_request']) {
      expect(readCauseRef(kind, '3F2504E0-4F89-41D3-9A0C-0305E82C3301')).toEqual({
        ok: true,
        cause: { kind, id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' },
      });
    }
  });

  it('names every problem: an unknown kind and an id that is not a UUID', () => {
    expect(readCauseRef('festival', '42')).toEqual({
      ok: false,
      issues: [
        {
          pointer: 'path:kind',
          message: 'must be one of operation, missing_episode, referral, bed_request',
        },
        { pointer: 'path:id', message: 'must be a UUID' },
      ],
    });
    expect(readCauseRef('operation', '3f2504e0-4f89-41d3-9a0c-0305e82c330')).toMatchObject({
      ok: false,
      issues: [{ pointer: 'path:id' }],
    });
  });
});
