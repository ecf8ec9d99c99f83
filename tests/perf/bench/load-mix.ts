/*
 * The bench's load: which requests, in which proportion, when. Pure and seeded, so two runs with
 * the same settings send the same sequence.
 *
 * Every request is built so that the alerts it causes depend on nothing sent before it: fresh
 * names (no referral or earlier episode links a child), addresses no referral mentions (no
 * victim-first flag), operations three days ahead (no short-notice flag, and the two-hour and
 * start-time releases fall long after the bench), and bed requests for a man when no property is
 * registered (the matcher finds nothing and the coordinator is told at once; holding beds would
 * make each request's offers depend on the holds of the ones before it). That is what lets the
 * bench reconcile every event's deliveries exactly.
 */

/** Which demo key sends a request (see `harbour seed demo`). */
export type SenderKey = 'camdenPoliceSubmit' | 'camdenCouncilSubmit' | 'ukviSubmit';

export type TemplateName =
  'missing-child' | 'child-referral' | 'raid' | 'welfare-visit' | 'bed-request';

/**
 * The mix, by weight. Missing-person reports are the most frequent event partners send; referrals
 * and bed requests follow; planned operations are the rarest.
 */
export const MIX: readonly { template: TemplateName; weight: number }[] = [
  { template: 'missing-child', weight: 35 },
  { template: 'child-referral', weight: 20 },
  { template: 'bed-request', weight: 20 },
  { template: 'raid', weight: 15 },
  { template: 'welfare-visit', weight: 10 },
];

export interface PlannedRequest {
  /** Position in the whole bench (unique across rates: it makes names and addresses unique). */
  seq: number;
  /** When to send, ms after the rate's start. */
  atMs: number;
  template: TemplateName;
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A template drawn by weight. */
export function pickTemplate(
  random: () => number,
  mix: readonly { template: TemplateName; weight: number }[] = MIX,
): TemplateName {
  const total = mix.reduce((sum, entry) => sum + entry.weight, 0);
  let roll = random() * total;
  for (const entry of mix) {
    roll -= entry.weight;
    if (roll < 0) return entry.template;
  }
  return mix.at(-1)!.template;
}

/**
 * Open-loop schedule: `rate × seconds` requests evenly spaced, each sent at its time whether or
 * not earlier ones have been answered (a slow service cannot slow the load down and hide).
 */
export function schedule(
  rate: number,
  seconds: number,
  firstSeq: number,
  random: () => number,
): PlannedRequest[] {
  const count = Math.round(rate * seconds);
  return Array.from({ length: count }, (_, i) => ({
    seq: firstSeq + i,
    atMs: (i * 1000) / rate,
    template: pickTemplate(random),
  }));
}

/** Letters only (names are validated as names): 0 → "Aa", 1 → "Ab", … unique per number. */
export function lettersFor(n: number): string {
  let text = '';
  let rest = n;
  do {
    text = String.fromCharCode(97 + (rest % 26)) + text;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return `B${text}`;
}

const CAMDEN = 'E09000007';
const WESTMINSTER = 'E09000033';
const NEWHAM = 'E09000025';
const DAY_MS = 86_400_000;

export interface BuiltRequest {
  path: string;
  sender: SenderKey;
  body: unknown;
}

/** The HTTP request of a planned one, at `now`. */
export function buildRequest(template: TemplateName, seq: number, now: Date): BuiltRequest {
  const name = lettersFor(seq);
  const start = new Date(now.getTime() + 3 * DAY_MS);
  const end = new Date(start.getTime() + 2 * 3_600_000);
  switch (template) {
    case 'missing-child':
      return {
        path: '/v1/missing-episodes',
        sender: 'camdenPoliceSubmit',
        body: {
          child: {
            ageYears: 13 + (seq % 4),
            ageDisputed: false,
            gender: seq % 2 === 0 ? 'female' : 'male',
            givenName: name,
            familyName: 'Benchmark',
          },
          traffickingMarkers: ['suspected_exploitation'],
          borough: CAMDEN,
          riskGrade: 'high',
          lastSeenAt: new Date(now.getTime() - 3_600_000).toISOString(),
          lastSeenLocation: { description: 'near the station' },
          circumstances: 'Did not return to the placement after school.',
        },
      };
    case 'child-referral':
      return {
        path: '/v1/referrals',
        sender: 'camdenCouncilSubmit',
        body: {
          person: {
            givenName: name,
            familyName: 'Referral',
            dateOfBirth: `2011-0${1 + (seq % 9)}-1${seq % 10}`,
            gender: 'female',
            nationality: 'AL',
            languages: ['sq'],
            speaksEnglish: false,
          },
          exploitationTypes: ['criminal'],
          borough: CAMDEN,
          locations: [
            {
              address: `${seq + 1} Benchmark Row, London`,
              postcode: 'N7 0AA',
              borough: 'E09000019',
              kind: 'exploitation',
            },
          ],
          indicators: ['no control of her own documents'],
          responder: { name: 'DC Bench', phone: '+44 20 7946 0000' },
          consent: { nrm: false, shareWith: ['local_authority', 'ngo'] },
        },
      };
    case 'raid':
      return {
        path: '/v1/operations',
        sender: 'camdenPoliceSubmit',
        body: {
          kind: 'raid',
          premisesKind: 'brothel',
          borough: CAMDEN,
          address: { line1: `${seq + 1} Measure Parade`, postcode: 'NW1 2DB' },
          plannedStart: start.toISOString(),
          plannedEnd: end.toISOString(),
          expectedPeople: { total: 4, women: 3, men: 1 },
          expectedLanguages: ['ro'],
          exploitationTypes: ['sexual'],
          vulnerablePeopleLikely: true,
          leadContact: { name: 'DS Bench', phone: '+44 20 7946 0202' },
        },
      };
    case 'welfare-visit':
      return {
        path: '/v1/operations',
        sender: 'ukviSubmit',
        body: {
          kind: 'welfare_visit',
          premisesKind: 'private_household',
          borough: WESTMINSTER,
          address: { line1: `${seq + 1} Measure Mews`, postcode: 'W1K 7AA' },
          plannedStart: start.toISOString(),
          plannedEnd: end.toISOString(),
          expectedPeople: { total: 2, women: 2 },
          exploitationTypes: ['domestic_servitude'],
          vulnerablePeopleLikely: true,
          leadContact: { name: 'IO Bench', phone: '+44 20 7946 0101' },
        },
      };
    case 'bed-request':
      return {
        path: '/v1/bed-requests',
        sender: 'camdenPoliceSubmit',
        body: {
          person: { givenName: name, gender: 'male', ageYears: 30 + (seq % 20) },
          accompanyingChildren: 0,
          languages: ['sq'],
          supportLevel: 'emergency',
          nrmStage: 'pre_nrm',
          nrpf: true,
          urgency: { kind: 'tonight' },
          borough: CAMDEN,
          exclusionZones: { boroughs: [NEWHAM], around: [] },
        },
      };
  }
}

/** The id the API answered with: the cause every resulting alert names. */
export function acceptedId(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const record = body as Record<string, unknown>;
  for (const key of ['episodeId', 'referralId', 'operationId', 'requestId', 'id']) {
    const value = record[key];
    if (typeof value === 'string' && /^[0-9a-f-]{36}$/i.test(value)) return value.toLowerCase();
  }
  return null;
}
