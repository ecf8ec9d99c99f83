import fc from 'fast-check';
import type { HostileCase } from './hostile-bodies';

/** One endpoint under attack, as the probe calls it. */
export interface HostileEndpoint {
  /** How the endpoint is named in reports, e.g. `intake POST /v1/missing-episodes/{id}/updates`. */
  name: string;
  method: 'POST' | 'PUT';
  /** Or a function, for a target used up by one request (a single-use link): a fresh one per case. */
  url: string | (() => Promise<string>);
  /** Sent with every case (typically `authorization`). */
  headers?: Record<string, string>;
  /**
   * What a refused request must leave untouched (row counts, the rows of the resource, the
   * outbox), read before and after each case and compared as JSON.
   */
  snapshot: () => Promise<unknown>;
  /** Runs before each case, e.g. to undo what an accepted case stored so the next meets the same state. */
  beforeEach?: () => Promise<void>;
  /**
   * Media types a refusal may have; problem+json by default. The e-mailed link's page renders
   * its own refusals as HTML, while a body the parser cannot read never reaches it.
   */
  refusalTypes?: readonly string[];
}

/** Something the service did wrong with one hostile case. */
export interface HostileFinding {
  endpoint: string;
  kind: string;
  description: string;
  status: number;
  problem: string;
  /** The start of the response, for the report (never the whole). */
  excerpt: string;
}

/** Requests sent per endpoint and how they were answered: the figures a report quotes. */
export class HostileTally {
  private readonly rows = new Map<string, { sent: number; refused: number; accepted: number }>();

  record(endpoint: string, status: number): void {
    const row = this.rows.get(endpoint) ?? { sent: 0, refused: 0, accepted: 0 };
    row.sent += 1;
    if (status >= 400 && status < 500) row.refused += 1;
    if (status >= 200 && status < 300) row.accepted += 1;
    this.rows.set(endpoint, row);
  }

  sent(endpoint: string): number {
    return this.rows.get(endpoint)?.sent ?? 0;
  }

  lines(): string[] {
    return [...this.rows].map(
      ([endpoint, row]) =>
        `hostile-input ${endpoint}: ${row.sent} requests, ${row.refused} refused (4xx), ${row.accepted} accepted as valid`,
    );
  }

  /** Writes one line per endpoint to stderr (outside Jest's console capture). */
  print(): void {
    const total = [...this.rows.values()].reduce((sum, row) => sum + row.sent, 0);
    process.stderr.write(
      `${[...this.lines(), `hostile-input total: ${total} requests`].join('\n')}\n`,
    );
  }
}

const MAX_REFUSAL_BYTES = 16 * 1024;
const STACK_TRACE = /\n\s+at |\bat [\w$.<>]+ \(|\.[jt]s:\d+:\d+|node_modules|[A-Z]\w*Error: /;
const ECHOED_PADDING = /A{200}|P{200}/;

/** Sends one hostile case and returns what the service did wrong with it (nothing, ideally). */
export async function probeHostile(
  endpoint: HostileEndpoint,
  hostile: HostileCase,
  tally?: HostileTally,
): Promise<HostileFinding[]> {
  await endpoint.beforeEach?.();
  const url = typeof endpoint.url === 'string' ? endpoint.url : await endpoint.url();
  const before = JSON.stringify(await endpoint.snapshot());
  let response: Response;
  try {
    response = await fetch(url, {
      method: endpoint.method,
      headers: { ...endpoint.headers, 'content-type': hostile.contentType },
      body: hostile.body,
    });
  } catch (error) {
    tally?.record(endpoint.name, 0);
    return [finding(endpoint, hostile, 0, `no response: ${(error as Error).message}`, '')];
  }
  const text = await response.text();
  const status = response.status;
  tally?.record(endpoint.name, status);
  const problems: string[] = [];
  if (status >= 500) problems.push('server error');
  else if (status < 200 || (status >= 300 && status < 400)) problems.push('unexpected status');
  else if (status < 300 && hostile.mustReject)
    problems.push('accepted a body the contract forbids');
  if (status >= 400) {
    const type = response.headers.get('content-type') ?? '';
    const wanted = endpoint.refusalTypes ?? ['application/problem+json'];
    if (status < 500 && !wanted.some((w) => type.includes(w))) {
      problems.push(`refusal is ${type}, not ${wanted.join(' or ')}`);
    }
    if (STACK_TRACE.test(text)) problems.push('refusal shows a stack trace');
    if (text.length > MAX_REFUSAL_BYTES || ECHOED_PADDING.test(text)) {
      problems.push(`refusal echoes the input (${text.length} characters)`);
    }
    const after = JSON.stringify(await endpoint.snapshot());
    if (after !== before) problems.push(`refused yet stored: ${before} → ${after}`);
  }
  return problems.map((problem) => finding(endpoint, hostile, status, problem, text));
}

function finding(
  endpoint: HostileEndpoint,
  hostile: HostileCase,
  status: number,
  problem: string,
  text: string,
): HostileFinding {
  return {
    endpoint: endpoint.name,
    kind: hostile.kind,
    description: hostile.description,
    status,
    problem,
    excerpt: text.slice(0, 300),
  };
}

/**
 * A bug already reported and pinned by its own `it.failing` test: its findings are counted and
 * printed, not failed on, so the generated suite stays useful until the fix lands.
 */
export interface KnownIssue {
  name: string;
  matches(finding: HostileFinding, hostile: HostileCase): boolean;
}

/**
 * The issues every Harbour service has today, each pinned by an `it.failing` test: none. (Text
 * Postgres cannot store and form bodies on JSON routes were the first two; the HTTP layer now
 * refuses both with a 4xx.)
 */
export const KNOWN_ISSUES: readonly KnownIssue[] = [];

export interface HostileRunOptions {
  /** Cases to generate (HOSTILE_RUNS overrides it, e.g. for a longer soak). */
  numRuns?: number;
  tally?: HostileTally;
  knownIssues?: readonly KnownIssue[];
}

/** HOSTILE_SEED replays a run; the seed used is in every failure message. */
function seed(): number {
  const fromEnv = Number(process.env['HOSTILE_SEED']);
  return Number.isInteger(fromEnv) ? fromEnv : Math.floor(Math.random() * 2 ** 31);
}

/**
 * Sends `numRuns` generated cases to the endpoint, one at a time, and fails with every distinct
 * finding (5xx, an invalid body accepted, a refusal that is not problem+json, shows a stack or
 * echoes the input, or a refused request that stored something). All cases run even after a
 * finding, so one report lists them all; the seed replays the run.
 */
export async function attackEndpoint(
  endpoint: HostileEndpoint,
  cases: fc.Arbitrary<HostileCase>,
  options: HostileRunOptions = {},
): Promise<void> {
  const numRuns = Number(process.env['HOSTILE_RUNS']) || options.numRuns || 150;
  const runSeed = seed();
  const findings: HostileFinding[] = [];
  const knownCounts = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(cases, async (hostile) => {
      for (const f of await probeHostile(endpoint, hostile, options.tally)) {
        const known = options.knownIssues?.find((issue) => issue.matches(f, hostile));
        if (known === undefined) findings.push(f);
        else knownCounts.set(known.name, (knownCounts.get(known.name) ?? 0) + 1);
      }
    }),
    { numRuns, seed: runSeed },
  );
  for (const [name, count] of knownCounts) {
    process.stderr.write(`hostile-input ${endpoint.name}: known issue hit ${count}× — ${name}\n`);
  }
  if (findings.length === 0) return;
  const distinct = new Map<string, HostileFinding>();
  for (const f of findings) distinct.set(`${f.problem.replace(/:.*/, '')}|${f.description}`, f);
  const report = [...distinct.values()]
    .slice(0, 20)
    .map((f) => `- ${f.problem} [${f.status}] for ${f.description}: ${JSON.stringify(f.excerpt)}`);
  throw new Error(
    `${endpoint.name}: ${findings.length} of ${numRuns} hostile requests went wrong (HOSTILE_SEED=${runSeed}):\n${report.join('\n')}`,
  );
}
