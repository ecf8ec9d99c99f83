import { readAuditQuery as readQuery } from './audit-query';

const CHAINS = ['notification', 'identity'] as const;
const readAuditQuery = (query: Record<string, unknown>) => readQuery(query, CHAINS);

describe('the audit query string', () => {
  it('defaults to the newest 50 entries of the first chain', () => {
    expect(readAuditQuery({})).toEqual({
      ok: true,
      query: { chain: 'notification', filter: {}, limit: 50 },
    });
  });

  it('reads every filter', () => {
    expect(
      readAuditQuery({
        chain: 'identity',
        from: '2026-03-01T00:00:00Z',
        to: '2026-03-02T00:00:00+01:00',
        action: 'key.',
        resource: 'api_key:0b0f4f5e-3d7e-4c1b-9d43-2f1e0a9c8b7d',
        before: '120',
        limit: '500',
      }),
    ).toEqual({
      ok: true,
      query: {
        chain: 'identity',
        filter: {
          from: new Date('2026-03-01T00:00:00Z'),
          to: new Date('2026-03-01T23:00:00Z'),
          action: 'key.',
          resourceKind: 'api_key',
          resourceId: '0b0f4f5e-3d7e-4c1b-9d43-2f1e0a9c8b7d',
        },
        before: 120,
        limit: 500,
      },
    });
    expect(readAuditQuery({ action: 'disclosure.personal', resource: 'alert' })).toMatchObject({
      ok: true,
      query: { filter: { action: 'disclosure.personal', resourceKind: 'alert' } },
    });
  });

  it.each([
    [{ chain: 'intake' }, 'query:chain'],
    [{ from: '2026-02-30T25:61:00Z' }, 'query:from'],
    [{ from: '2026-03-01' }, 'query:from'],
    [{ from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 'query:to'],
    [{ action: 'key.stolen' }, 'query:action'],
    [{ action: 'nothing.' }, 'query:action'],
    [{ resource: "alert:' OR 1=1 --" }, 'query:resource'],
    [{ limit: '0' }, 'query:limit'],
    [{ limit: '501' }, 'query:limit'],
    [{ before: '-1' }, 'query:before'],
    [{ before: '1e3' }, 'query:before'],
    [{ action: ['key.issued', 'key.revoked'] }, 'query:action'],
    [{ sort: 'asc' }, 'query:sort'],
  ])('refuses %j at %s', (query, pointer) => {
    const read = readAuditQuery(query);
    expect(read.ok).toBe(false);
    expect(read.ok ? [] : read.issues.map((i) => i.pointer)).toContain(pointer);
  });
});
