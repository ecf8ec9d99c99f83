import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';

/** One attribute (or status message) of a recorded span, its value flattened to text. */
export interface RecordedAttribute {
  key: string;
  value: string;
}

/** A span as the services exported it, flattened for scanning. */
export interface RecordedSpan {
  /** `service.name` of the resource that exported it. */
  service: string;
  name: string;
  attributes: RecordedAttribute[];
  events: { name: string; attributes: RecordedAttribute[] }[];
  /** Link attributes and the status message: text a span carries besides its attributes. */
  other: RecordedAttribute[];
}

/** One export request's resource (a service process), its attributes flattened to text. */
export interface RecordedResource {
  service: string;
  attributes: RecordedAttribute[];
}

// The OTLP/JSON shapes this sink reads (opentelemetry-proto's JSON mapping, as
// @opentelemetry/otlp-transformer's JsonTraceSerializer writes it). The transformer does not
// export its request types, so the few fields read here are declared here.
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface OtlpSpan {
  name?: string;
  attributes?: KeyValue[];
  events?: { name?: string; attributes?: KeyValue[] }[];
  links?: { attributes?: KeyValue[] }[];
  status?: { message?: string };
}
interface ExportTraceServiceRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

/** Every leaf of an OTLP value as text; nested maps name their keys as `outer.inner`. */
function flatten(key: string, value: AnyValue | undefined): RecordedAttribute[] {
  if (value === undefined) return [];
  if (value.arrayValue) return (value.arrayValue.values ?? []).flatMap((v) => flatten(key, v));
  if (value.kvlistValue) {
    return (value.kvlistValue.values ?? []).flatMap((kv) => flatten(`${key}.${kv.key}`, kv.value));
  }
  if (value.bytesValue !== undefined) {
    // Bytes travel base64-encoded in OTLP/JSON: scan the decoded text, which is what they hold.
    return [{ key, value: Buffer.from(value.bytesValue, 'base64').toString('utf8') }];
  }
  const scalar =
    value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue ?? undefined;
  return scalar === undefined ? [] : [{ key, value: String(scalar) }];
}

const flattenAll = (attributes: KeyValue[] | undefined): RecordedAttribute[] =>
  (attributes ?? []).flatMap((kv) => flatten(kv.key, kv.value));

/**
 * A local OpenTelemetry collector for the e2e stack: an OTLP/HTTP endpoint on 127.0.0.1 that
 * keeps every span the services export, so a test can read span names, attributes, events and
 * resource attributes. `@opentelemetry/exporter-trace-otlp-http` posts OTLP/JSON
 * (`application/json`) to `<endpoint>/v1/traces`; a request this sink cannot read (protobuf,
 * another path, a body that is not OTLP/JSON) is answered with an error and counted in
 * `refused`, so a test can prove that nothing was silently lost.
 */
export class OtlpTraceSink {
  readonly spans: RecordedSpan[] = [];
  readonly resources: RecordedResource[] = [];
  /** Requests that could not be read (wrong path, media type or body). */
  refused = 0;
  private server: Server | undefined;

  /** The base URL to give services as `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  get endpoint(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the OTLP sink is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((request, response) => {
      void this.receive(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        resolve();
      });
    });
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }

  /** Spans by the `service.name` that exported them. */
  spansByService(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const span of this.spans) counts.set(span.service, (counts.get(span.service) ?? 0) + 1);
    return counts;
  }

  private async receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const refuse = (status: number, reason: string): void => {
      this.refused++;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(reason);
    };
    if (request.method !== 'POST' || request.url !== '/v1/traces') {
      refuse(404, 'only POST /v1/traces');
      return;
    }
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('application/json')) {
      refuse(415, 'this sink reads OTLP/JSON only');
      return;
    }
    let parsed: ExportTraceServiceRequest;
    try {
      const raw = Buffer.concat(chunks);
      const encoding = request.headers['content-encoding'];
      const body =
        encoding === 'gzip' ? gunzipSync(raw) : encoding === 'deflate' ? inflateSync(raw) : raw;
      parsed = JSON.parse(body.toString('utf8')) as ExportTraceServiceRequest;
    } catch {
      refuse(400, 'not an OTLP/JSON export request');
      return;
    }
    this.record(parsed);
    // An empty ExportTraceServiceResponse: everything accepted.
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }

  private record(request: ExportTraceServiceRequest): void {
    for (const resourceSpans of request.resourceSpans ?? []) {
      const resourceAttributes = flattenAll(resourceSpans.resource?.attributes);
      const service =
        resourceAttributes.find((a) => a.key === 'service.name')?.value ?? '(no service.name)';
      this.resources.push({ service, attributes: resourceAttributes });
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            service,
            name: span.name ?? '',
            attributes: flattenAll(span.attributes),
            events: (span.events ?? []).map((event) => ({
              name: event.name ?? '',
              attributes: flattenAll(event.attributes),
            })),
            other: [
              ...(span.links ?? []).flatMap((link) => flattenAll(link.attributes)),
              ...(span.status?.message
                ? [{ key: 'status.message', value: span.status.message }]
                : []),
            ],
          });
        }
      }
    }
  }
}
