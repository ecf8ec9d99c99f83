import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import type { EntityManager } from 'typeorm';
import { installTestTracing, type TestTracing } from '../test/test-tracing';
import { EventValidationError } from './errors';
import type { EventValidator } from './event-validator';
import { Outbox } from './outbox';

const validator: EventValidator = (_type, data) =>
  typeof data === 'object' && data !== null && typeof (data as { name?: unknown }).name === 'string'
    ? { ok: true }
    : { ok: false, issues: [{ pointer: '/name', message: 'must be string' }] };

function fakeManager(inTransaction = true): { manager: EntityManager; query: jest.Mock } {
  const query = jest.fn(() => Promise.resolve([]));
  const queryRunner = { isTransactionActive: inTransaction };
  return { manager: { query, queryRunner } as unknown as EntityManager, query };
}

describe('Outbox.add', () => {
  let tracing: TestTracing;
  beforeAll(() => {
    tracing = installTestTracing();
  });
  afterAll(() => tracing.uninstall());

  const outbox = new Outbox({ schema: 'intake', source: '/harbour/intake', validator });

  it('refuses an invalid payload before writing anything', async () => {
    const { manager, query } = fakeManager();
    const adding = outbox.add(manager, { topic: 't', key: 'k', type: 'x', data: { name: 42 } });
    await expect(adding).rejects.toBeInstanceOf(EventValidationError);
    await expect(adding).rejects.toMatchObject({
      eventType: 'x',
      issues: [{ pointer: '/name', message: 'must be string' }],
    });
    expect(query).not.toHaveBeenCalled();
  });

  it('inserts the event through the caller’s transaction with the active trace context', async () => {
    const { manager, query } = fakeManager();
    const spanContext = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    };
    const event = await context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), () =>
      outbox.add(manager, {
        topic: 'harbour.t.v1',
        key: 'agg-1',
        type: 'x',
        subject: 's',
        data: { name: 'n' },
      }),
    );

    expect(event).toMatchObject({
      source: '/harbour/intake',
      type: 'x',
      subject: 's',
      data: { name: 'n' },
    });
    expect(query).toHaveBeenCalledTimes(1);
    const [sql, params] = query.mock.calls[0] as unknown as [string, unknown[]];
    expect(sql).toContain('INSERT INTO "intake".outbox');
    expect(params).toEqual([
      event.id,
      'harbour.t.v1',
      'agg-1',
      'x',
      '/harbour/intake',
      's',
      event.time,
      '{"name":"n"}',
      JSON.stringify({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
    ]);
  });

  it('records no trace headers outside a trace', async () => {
    const { manager, query } = fakeManager();
    await outbox.add(manager, { topic: 't', key: 'k', type: 'x', data: { name: 'n' } });
    const [, params] = query.mock.calls[0] as unknown as [string, unknown[]];
    expect(params[5]).toBeNull();
    expect(params[8]).toBe('{}');
  });

  it('refuses a manager outside a transaction, which would commit the event on its own', async () => {
    const { manager, query } = fakeManager(false);
    await expect(
      outbox.add(manager, { topic: 't', key: 'k', type: 'x', data: { name: 'n' } }),
    ).rejects.toThrow(/open transaction/);
    expect(query).not.toHaveBeenCalled();
  });

  it('prepares the row add would insert, validated, for a statement of the caller’s own', () => {
    expect(() => outbox.prepare({ topic: 't', key: 'k', type: 'x', data: { name: 42 } })).toThrow(
      EventValidationError,
    );
    const { event, row } = outbox.prepare({ topic: 't', key: 'k', type: 'x', data: { name: 'n' } });
    expect(row).toEqual({
      id: event.id,
      topic: 't',
      key: 'k',
      type: 'x',
      source: '/harbour/intake',
      subject: null,
      time: event.time,
      data: '{"name":"n"}',
      headers: '{}',
    });
    expect(outbox.table).toBe('"intake".outbox');
  });

  it('rejects a schema name that is not a plain identifier', () => {
    expect(() => new Outbox({ schema: 'x"; drop table y; --', source: '/s', validator })).toThrow(
      /Invalid schema/,
    );
  });
});
