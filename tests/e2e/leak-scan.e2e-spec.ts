import { SpanStatusCode } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { DLQ_HEADERS } from '@harbour/messaging';
import type { DeadLetter, ServiceName } from '../support/harbour-stack';
import { scanForPersonalData } from '../support/leak-scan';
import { OtlpTraceSink } from '../support/otlp-trace-sink';
import { PersonalDataMarkers } from '../support/personal-data-markers';

/**
 * The leak scan the e2e stories end with, checked against what the services' OTLP/HTTP exporter
 * sends (its own serializer's bytes, `JsonTraceSerializer`, posted as the exporter posts them):
 * the sink decodes it, and a marker anywhere — a log line, a span
 * name, attribute, event, status or resource, an acknowledgement token in a URL, a dead letter's
 * key or header — is found, so the stories' "markers found: 0" means something.
 */
describe('the e2e leak scan', () => {
  const sink = new OtlpTraceSink();
  const markers = new PersonalDataMarkers();
  const name = markers.name('given name');
  const phone = markers.phone('phone');
  const address = markers.text('address');

  beforeAll(() => sink.start());
  afterAll(() => sink.close());

  /**
   * Exports spans as a service would. `OTLPTraceExporter` itself loads its HTTP transport with a
   * dynamic import Jest cannot run, so this serializes with the serializer it uses and posts the
   * bytes with the content type it sends.
   */
  async function exportSpans(service: string, write: (provider: TracerProvider) => void) {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'host.name': `host ${address}` }),
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    write(provider);
    await provider.forceFlush();
    const response = await fetch(`${sink.endpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans()),
    });
    expect(response.status).toBe(200);
    await provider.shutdown();
  }

  const source = (logs: Partial<Record<ServiceName, string>>, letters: DeadLetter[]) => ({
    logs: (service: ServiceName) => logs[service] ?? '',
    traces: sink,
    deadLetters: () => Promise.resolve(letters),
  });

  it('finds a marker in every place a leak can hide, and an unredacted acknowledgement token', async () => {
    await exportSpans('harbour-intake', (provider) => {
      const tracer = provider.getTracer('leak-scan-test');
      tracer.startSpan(`lookup ${name}`).end();
      const span = tracer.startSpan('GET', { attributes: { 'url.path': '/ack/eyJ.token-1' } });
      span.setAttribute('db.query.parameters', ['1', phone]);
      span.addEvent('attempt failed', { error: `could not find ${phone.replace(/ /g, '')}` });
      span.setStatus({ code: SpanStatusCode.ERROR, message: `no bed for ${name}` });
      span.end();
    });
    const letter: DeadLetter = {
      topic: 'harbour.intake.referral.v1.dlq',
      partition: 0,
      offset: '7',
      key: 'referral-1',
      headers: {
        [DLQ_HEADERS.reason]: 'handler-failed',
        [DLQ_HEADERS.error]: `Error: duplicate person ${name}`,
      },
      value: JSON.stringify({ personal: { givenName: name } }),
    };
    const scan = await scanForPersonalData(
      source({ intake: `{"msg":"started"}\n{"msg":"saw ${address}"}\n` }, [letter]),
      markers,
      'self-test with planted leaks',
    );

    expect(sink.refused).toBe(0);
    expect(scan.spansByService.intake).toBe(2);
    expect(scan.logLines).toBe(2);
    expect(scan.acknowledgementSpans).toBe(1);
    const where = scan.findings.map((f) => `${f.where}: ${f.marker}`);
    expect(where).toEqual(
      expect.arrayContaining([
        'intake log line 2: address',
        `harbour-intake span "lookup ${name}" name: given name`,
        'harbour-intake span "GET" attribute db.query.parameters: phone',
        'harbour-intake span "GET" attribute error: phone',
        'harbour-intake span "GET" attribute status.message: given name',
        'harbour-intake span "GET" attribute url.path: acknowledgement token',
        'harbour-intake resource attribute host.name: address',
        'dead letter harbour.intake.referral.v1.dlq/0@7 header harbour-dlq-error: given name',
      ]) as unknown,
    );
    // The original event body is reported apart from the findings.
    expect(where.some((w) => w.includes('original body'))).toBe(false);
    expect(scan.markersInDeadLetterBodies.map((f) => f.marker)).toContain('given name');
  });

  it('counts an export it cannot read, so unread spans fail the stories', async () => {
    const before = sink.refused;
    const response = await fetch(`${sink.endpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([10, 0]),
    });
    expect(response.status).toBe(415);
    expect(sink.refused).toBe(before + 1);
  });
});
