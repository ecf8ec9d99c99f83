import { DLQ_HEADERS } from '@harbour/messaging';
import {
  type DeadLetter,
  SERVICE_NAMES,
  type ServiceName,
  traceServiceName,
} from './harbour-stack';
import type { OtlpTraceSink } from './otlp-trace-sink';
import type { MarkerFinding, PersonalDataMarkers } from './personal-data-markers';

/** What a scan reads: a `HarbourStack` (or, in the scan's own test, a stand-in). */
export interface ScanSource {
  logs(service: ServiceName): string;
  readonly traces: Pick<OtlpTraceSink, 'spans' | 'resources' | 'refused' | 'spansByService'>;
  deadLetters(): Promise<DeadLetter[]>;
}

/** What one scenario's scan looked at, and what it found. */
export interface LeakScan {
  scenario: string;
  logLines: number;
  spans: number;
  /** Span attributes, event attributes, link attributes and status messages. */
  spanAttributes: number;
  spanEvents: number;
  resourceAttributes: number;
  spansByService: Record<ServiceName, number>;
  /** Export requests the sink could not read: anything above 0 means spans went unscanned. */
  spanExportsRefused: number;
  /** Spans of requests to an acknowledgement link (their URL must be redacted). */
  acknowledgementSpans: number;
  deadLetters: DeadLetter[];
  /** Markers in logs, span names and attributes, dead-letter keys and headers: must be empty. */
  findings: MarkerFinding[];
  /** Markers in the dead letters' original event bodies (reported, see `docs/security.md`). */
  markersInDeadLetterBodies: MarkerFinding[];
}

// Where HTTP instrumentation records a request's URL (old and stable semantic conventions).
const URL_ATTRIBUTES = new Set(['url.path', 'url.full', 'http.target', 'http.url']);
const ACK_PATH = /\/ack\/([^/?#\s]*)/;

/**
 * Scans everything the stack wrote outside its databases and e-mails for the scenario's marker
 * values: every service's log lines, every exported span (name, attributes, events, links,
 * status) and resource, and every message this run's consumers dead-lettered (key, original
 * CloudEvents headers and the `harbour-dlq-*` error headers). A dead letter's value is the
 * original event, kept byte for byte so it can be replayed: it is scanned too, but reported
 * separately, because events between services carry personal data by design.
 *
 * Call it after `stack.stop()`: the services flush their last spans and log their shutdown on
 * the way out, so nothing is left unscanned. Prints one summary line for the scenario.
 */
export async function scanForPersonalData(
  stack: ScanSource,
  markers: PersonalDataMarkers,
  scenario: string,
): Promise<LeakScan> {
  const findings: MarkerFinding[] = [];

  let logLines = 0;
  for (const service of SERVICE_NAMES) {
    stack
      .logs(service)
      .split('\n')
      .filter((line) => line.trim() !== '')
      .forEach((line, index) => {
        logLines++;
        findings.push(...markers.scan(`${service} log line ${index + 1}`, line));
      });
  }

  const { spans, resources } = stack.traces;
  let spanAttributes = 0;
  let spanEvents = 0;
  let acknowledgementSpans = 0;
  for (const span of spans) {
    const where = `${span.service} span "${span.name}"`;
    findings.push(...markers.scan(`${where} name`, span.name));
    const attributes = [
      ...span.attributes,
      ...span.other,
      ...span.events.flatMap((event) => {
        spanEvents++;
        findings.push(...markers.scan(`${where} event name`, event.name));
        return event.attributes;
      }),
    ];
    for (const { key, value } of attributes) {
      spanAttributes++;
      findings.push(...markers.scan(`${where} attribute ${key}`, value));
    }
    // An acknowledgement link's token is the permission to acknowledge: never in a span.
    const ackUrls = span.attributes.filter(
      ({ key, value }) => URL_ATTRIBUTES.has(key) && ACK_PATH.test(value),
    );
    if (ackUrls.length > 0) acknowledgementSpans++;
    for (const { key, value } of ackUrls) {
      if (ACK_PATH.exec(value)?.[1] !== '[redacted]') {
        findings.push({ where: `${where} attribute ${key}`, marker: 'acknowledgement token' });
      }
    }
  }
  let resourceAttributes = 0;
  for (const resource of resources) {
    for (const { key, value } of resource.attributes) {
      resourceAttributes++;
      findings.push(...markers.scan(`${resource.service} resource attribute ${key}`, value));
    }
  }
  const byService = stack.traces.spansByService();
  const spansByService = Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, byService.get(traceServiceName(name)) ?? 0]),
  ) as Record<ServiceName, number>;

  const deadLetters = await stack.deadLetters();
  const markersInDeadLetterBodies: MarkerFinding[] = [];
  for (const letter of deadLetters) {
    const where = `dead letter ${letter.topic}/${letter.partition}@${letter.offset}`;
    findings.push(...markers.scan(`${where} key`, letter.key ?? ''));
    for (const [name, value] of Object.entries(letter.headers)) {
      findings.push(...markers.scan(`${where} header ${name}`, `${name}: ${value}`));
    }
    markersInDeadLetterBodies.push(...markers.scan(`${where} original body`, letter.value ?? ''));
  }

  const scan: LeakScan = {
    scenario,
    logLines,
    spans: spans.length,
    spanAttributes,
    spanEvents,
    resourceAttributes,
    spansByService,
    spanExportsRefused: stack.traces.refused,
    acknowledgementSpans,
    deadLetters,
    findings,
    markersInDeadLetterBodies,
  };
  process.stderr.write(`${summaryLine(scan, markers)}\n`);
  return scan;
}

/** The scenario's one-line summary (the figures docs/security.md quotes come from it). */
export function summaryLine(scan: LeakScan, markers: PersonalDataMarkers): string {
  const perService = SERVICE_NAMES.map((name) => `${name} ${scan.spansByService[name]}`).join(', ');
  const reasons = scan.deadLetters
    .map((letter) => letter.headers[DLQ_HEADERS.reason] ?? 'unknown')
    .join(', ');
  const bodies = new Set(scan.markersInDeadLetterBodies.map((f) => f.where)).size;
  return [
    `e2e leak scan [${scan.scenario}]: ${markers.labels().length} markers`,
    `${scan.logLines} log lines`,
    `${scan.spans} spans (${perService}) with ${scan.spanAttributes} attributes, ` +
      `${scan.spanEvents} events, ${scan.resourceAttributes} resource attributes, ` +
      `${scan.acknowledgementSpans} acknowledgement-link spans`,
    `${scan.deadLetters.length} dead letters${reasons ? ` (${reasons})` : ''}, ` +
      `${bodies} original bodies holding markers`,
    `markers found: ${scan.findings.length}`,
  ].join('; ');
}

/**
 * The assertions every story ends with: spans arrived from each of the four services and all of
 * them could be read (otherwise a clean scan would prove nothing), and no marker anywhere.
 */
export function expectNothingLeaked(scan: LeakScan): void {
  expect(scan.spanExportsRefused).toBe(0);
  // Fails naming each service whose spans never reached the sink.
  expect(SERVICE_NAMES.filter((name) => scan.spansByService[name] === 0)).toEqual([]);
  expect(scan.logLines).toBeGreaterThan(0);
  expect(scan.findings).toEqual([]);
}

/** A stack that also ran the partner console: its log lines and spans are scanned too. */
export interface ConsoleScanSource extends ScanSource {
  consoleLogs(): string;
}

/**
 * The end of a console story: with the stack stopped, the values it typed or was given — people's
 * addresses, names, phone numbers, and the `hbs_`/`hbl_` prefixes of session and sign-in tokens —
 * are in no service's log line, span or dead letter's headers, nor in the console's own log
 * lines and spans (which must have arrived).
 */
export async function expectConsoleStoryLeftNothing(
  stack: ConsoleScanSource,
  markers: PersonalDataMarkers,
  scenario: string,
  values: readonly (readonly [label: string, value: string])[],
): Promise<LeakScan> {
  markers.register('session token', 'hbs_');
  markers.register('sign-in link token', 'hbl_');
  for (const [label, value] of values) markers.register(label, value);
  const scan = await scanForPersonalData(stack, markers, scenario);
  expectNothingLeaked(scan);
  expect(stack.traces.spansByService().get('harbour-console') ?? 0).toBeGreaterThan(0);
  const consoleFindings = stack
    .consoleLogs()
    .split('\n')
    .flatMap((line, index) => markers.scan(`console log line ${index + 1}`, line));
  expect(consoleFindings).toEqual([]);
  return scan;
}
