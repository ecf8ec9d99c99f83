import {
  eventOrUndefined,
  fromKafkaMessage,
  type IncomingKafkaMessage,
  toKafkaMessage,
} from './cloudevents-codec';
import { InvalidEnvelopeError } from './errors';
import { createEvent } from './harbour-event';

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** What a consumer receives: headers and value as bytes. */
function asReceived(message: {
  key: string;
  value: string;
  headers: Record<string, string>;
}): IncomingKafkaMessage {
  return {
    key: Buffer.from(message.key),
    value: Buffer.from(message.value),
    headers: Object.fromEntries(
      Object.entries(message.headers).map(([k, v]) => [k, Buffer.from(v)]),
    ),
  };
}

function validMessage(): IncomingKafkaMessage {
  const event = createEvent({
    type: 'harbour.operation.planned',
    source: '/harbour/intake',
    data: { a: 1 },
  });
  return asReceived(toKafkaMessage(event, 'op-1'));
}

describe('CloudEvents binary-mode codec', () => {
  it('round-trips an event with subject and trace context through Kafka headers', () => {
    const event = createEvent({
      type: 'harbour.operation.planned',
      source: '/harbour/intake',
      subject: 'operation/123',
      data: { borough: 'E09000001', needs: ['interpreter'], count: 3 },
    });

    const message = toKafkaMessage(event, 'op-123', { traceparent, tracestate: 'vendor=x' });

    expect(message.key).toBe('op-123');
    expect(JSON.parse(message.value)).toEqual(event.data);
    expect(message.headers).toEqual({
      ce_id: event.id,
      ce_source: '/harbour/intake',
      ce_type: 'harbour.operation.planned',
      ce_specversion: '1.0',
      ce_time: event.time,
      ce_subject: 'operation/123',
      'content-type': 'application/json',
      traceparent,
      tracestate: 'vendor=x',
    });
    expect(fromKafkaMessage(asReceived(message))).toEqual(event);
  });

  it('omits ce_subject when the event has none and decodes it back without one', () => {
    const event = createEvent({ type: 't', source: '/s', data: [1, 2] });
    const message = toKafkaMessage(event, 'k');
    expect(message.headers).not.toHaveProperty('ce_subject');
    expect(message.headers).not.toHaveProperty('traceparent');
    const decoded = fromKafkaMessage(asReceived(message));
    expect(decoded).toEqual(event);
    expect(decoded).not.toHaveProperty('subject');
  });

  it('creates events with a random UUID id and an RFC 3339 time unless given', () => {
    const a = createEvent({ type: 't', source: '/s', data: null });
    const b = createEvent({ type: 't', source: '/s', data: null });
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.id).not.toBe(b.id);
    expect(new Date(a.time).toISOString()).toBe(a.time);
    const fixed = createEvent({
      type: 't',
      source: '/s',
      data: null,
      id: 'given',
      time: '2025-01-02T03:04:05Z',
    });
    expect(fixed).toMatchObject({ id: 'given', time: '2025-01-02T03:04:05Z' });
  });

  it('never lets extra headers override CloudEvents attributes', () => {
    const event = createEvent({ type: 'real.type', source: '/real', data: {} });
    const message = toKafkaMessage(event, 'k', {
      ce_type: 'forged',
      'content-type': 'text/plain',
      traceparent,
    });
    expect(message.headers.ce_type).toBe('real.type');
    expect(message.headers['content-type']).toBe('application/json');
    expect(message.headers.traceparent).toBe(traceparent);
  });

  it('accepts string headers and repeated header values', () => {
    const message = validMessage();
    const headers = { ...message.headers, ce_type: ['harbour.x', 'harbour.y'] };
    expect(fromKafkaMessage({ ...message, headers }).type).toBe('harbour.x');
  });

  it.each(['ce_id', 'ce_source', 'ce_type', 'ce_specversion', 'ce_time'])(
    'rejects a message without %s',
    (header) => {
      const message = validMessage();
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).filter(([name]) => name !== header),
      );
      expect(() => fromKafkaMessage({ ...message, headers })).toThrow(
        new InvalidEnvelopeError(`missing header ${header}`),
      );
    },
  );

  it('rejects a message without any headers', () => {
    expect(() => fromKafkaMessage({ value: Buffer.from('{}') })).toThrow(InvalidEnvelopeError);
  });

  it.each([
    ['an unsupported specversion', { ce_specversion: '0.3' }, 'unsupported ce_specversion'],
    ['a time that is not a timestamp', { ce_time: 'yesterday' }, 'ce_time is not a timestamp'],
    [
      'a non-JSON content type',
      { 'content-type': 'text/plain' },
      'content-type is not application/json',
    ],
  ])('rejects %s', (_what, override, reason) => {
    const message = validMessage();
    expect(() =>
      fromKafkaMessage({ ...message, headers: { ...message.headers, ...override } }),
    ).toThrow(new InvalidEnvelopeError(reason));
  });

  it('rejects a null or empty value', () => {
    const message = validMessage();
    expect(() => fromKafkaMessage({ ...message, value: null })).toThrow(
      new InvalidEnvelopeError('value is empty'),
    );
    expect(() => fromKafkaMessage({ ...message, value: Buffer.alloc(0) })).toThrow(
      InvalidEnvelopeError,
    );
  });

  it('rejects a non-JSON value without quoting it in the error', () => {
    const message = { ...validMessage(), value: Buffer.from('Jane Doe, born 1990-01-01') };
    let caught: unknown;
    try {
      fromKafkaMessage(message);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidEnvelopeError);
    expect((caught as Error).message).toBe('value is not JSON');
    expect((caught as Error).message).not.toContain('Jane');
  });
});

describe('eventOrUndefined', () => {
  it('reads an event, and passes over a message that is not one instead of throwing', () => {
    const message = validMessage();
    expect(eventOrUndefined(message)).toEqual(fromKafkaMessage(message));
    expect(eventOrUndefined({ value: Buffer.from('not json at all') })).toBeUndefined();
    expect(eventOrUndefined({ ...message, value: Buffer.from('{') })).toBeUndefined();
  });
});
