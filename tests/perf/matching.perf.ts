/*
 * Measures the bed matcher (`matchBeds`, then `explainNoMatch`) against a whole London directory
 * and prints the figures: matches per second and the time per match (p50, p99, max). The
 * matcher is pure, so nothing else runs: no database, no broker. Nothing is asserted: these are
 * figures, not tests.
 *
 * Two directories of 500 providers and 5 000 beds across the 33 boroughs, generated from a
 * seeded PRNG (the same on every run): the realistic one, 5 000 beds in properties of 1–8 beds,
 * and the worst case, 5 000 single-bed properties (every bed a candidate). Each is matched
 * against a fixed mix of requests (genders, ages, children, languages, access, support levels,
 * NRM stages, NRPF, exclusion zones of whole boroughs and circles) for a bounded time.
 *
 * Run from the repository root:
 *   node scripts/build.mjs && npx swc tests/perf -d dist --copy-files --quiet \
 *     && node dist/tests/perf/matching.perf.js
 * Settings (env): PERF_SECONDS per directory (5), PERF_SEED (6), PERF_REQUESTS in the mix (64).
 */
import type {
  AccessNeed,
  BedNeeds,
  ExclusionZones,
  NrmStage,
  SupportLevel,
} from '@harbour/contracts';
import { LONDON_AUTHORITIES } from '@harbour/london';
// eslint-disable-next-line @nx/enforce-module-boundaries -- times one service's pure domain code in-process
import {
  explainNoMatch,
  matchBeds,
  type BedCandidate,
  type GenderServed,
  type MatchRequest,
  type PropertyAge,
} from '../../services/accommodation/src/domain/matching';

const SECONDS = boundedNumber('PERF_SECONDS', 5, 0.5, 600);
const SEED = boundedNumber('PERF_SEED', 6, 0, 2 ** 32 - 1);
const REQUESTS = boundedNumber('PERF_REQUESTS', 64, 1, 10_000);
const PROVIDERS = 500;
const BEDS = 5_000;
const WARM_UP_MATCHES = 200;
const NOW = new Date('2026-03-02T21:00:00Z');

const BOROUGHS = LONDON_AUTHORITIES.map(({ gss }) => gss);
const LANGUAGES = ['en', 'sq', 'ro', 'vi', 'pl', 'ti', 'ar', 'fa', 'ur', 'zh', 'es', 'pt', 'bg'];
const SUPPORT_LEVELS: readonly SupportLevel[] = ['emergency', 'safe_house', 'move_on', 'dispersed'];
const NRM_STAGES: readonly NrmStage[] = [
  'pre_nrm',
  'recovery_period',
  'post_cg_move_on',
  'not_in_nrm',
];

function boundedNumber(name: string, fallback: number, min: number, max: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number from ${min} to ${max}`);
  }
  return value;
}

/** mulberry32: small, fast and the same sequence for the same seed on every platform. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class Dice {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(values: readonly T[]): T {
    const value = values[Math.floor(this.next() * values.length)];
    if (value === undefined) throw new Error('pick from an empty list');
    return value;
  }

  /** Picks from weighted options: [[value, weight], …]. */
  weighted<T>(options: readonly (readonly [T, number])[]): T {
    const total = options.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of options) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return options[options.length - 1]![0];
  }

  some<T>(values: readonly T[], probability: number): T[] {
    return values.filter(() => this.chance(probability));
  }
}

/** Property sizes in beds for one directory: they sum to exactly BEDS. */
function propertySizes(dice: Dice, maxBedsPerProperty: number): number[] {
  const sizes: number[] = [];
  let left = BEDS;
  while (left > 0) {
    const size = Math.min(left, dice.int(1, maxBedsPerProperty));
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function directory(dice: Dice, maxBedsPerProperty: number): BedCandidate[] {
  const providers = Array.from({ length: PROVIDERS }, (_, index) => ({
    id: `00000000-0000-4000-8000-${hex(index, 12)}`,
    // A provider's history is shared by its properties: many have few offers, some are slow.
    history: (() => {
      const offers = dice.chance(0.3) ? 0 : dice.int(1, 60);
      const accepted = dice.int(0, offers);
      const expired = dice.int(0, offers - accepted);
      return { offers, accepted, declined: offers - accepted - expired, expired };
    })(),
  }));
  return propertySizes(dice, maxBedsPerProperty).map((beds, index) => {
    const provider = dice.pick(providers);
    const ages = dice.weighted<readonly PropertyAge[]>([
      [['adult'], 70],
      [['adult', 'family'], 15],
      [['family'], 5],
      [['child_16_17'], 7],
      [['adult', 'child_16_17'], 3],
    ]);
    const available = dice.int(0, beds);
    const held = dice.chance(0.2) ? dice.int(0, available) : 0;
    const nrmStages = dice.some(NRM_STAGES, 0.6);
    return {
      propertyId: `10000000-0000-4000-8000-${hex(index, 12)}`,
      providerOrganisationId: provider.id,
      label: `Property ${index}`,
      borough: dice.pick(BOROUGHS),
      postcodeDistrict: 'E15',
      // Men are the hardest to place: few men's properties.
      genderServed: dice.weighted<GenderServed>([
        ['female', 55],
        ['male', 15],
        ['any', 30],
      ]),
      ages,
      childrenAccepted: ages.includes('family') ? dice.int(1, 4) : 0,
      accessibility: dice.some<AccessNeed>(['wheelchair', 'step_free'], 0.25),
      languages: ['en', ...dice.some(LANGUAGES.slice(1), 0.15)],
      supportLevel: dice.pick(SUPPORT_LEVELS),
      nrmStages: nrmStages.length > 0 ? nrmStages : ['pre_nrm'],
      nrpfAccepted: dice.chance(0.4),
      freeBeds: available - held,
      availabilityConfirmedAt: new Date(NOW.getTime() - dice.int(0, 72 * 60) * 60_000),
      history: provider.history,
    };
  });
}

function exclusionZones(dice: Dice): ExclusionZones {
  return {
    boroughs: [...new Set(Array.from({ length: dice.int(0, 3) }, () => dice.pick(BOROUGHS)))],
    around: Array.from({ length: dice.int(0, 3) }, () => ({
      postcode: 'E15 1AA',
      borough: dice.pick(BOROUGHS),
      radiusKm: dice.int(1, 15),
    })),
  };
}

function request(dice: Dice): MatchRequest {
  const ageGroup = dice.weighted<BedNeeds['ageGroup']>([
    ['adult', 85],
    ['child_16_17', 13],
    ['child_under_16', 2],
  ]);
  return {
    needs: {
      gender: dice.weighted<BedNeeds['gender']>([
        ['female', 55],
        ['male', 35],
        ['non_binary', 5],
        ['unknown', 5],
      ]),
      ageGroup,
      accompanyingChildren: ageGroup === 'adult' && dice.chance(0.2) ? dice.int(1, 3) : 0,
      languages: dice.some(LANGUAGES.slice(1), 0.12).slice(0, 2),
      accessNeeds: dice.chance(0.1) ? dice.some<AccessNeed>(['wheelchair', 'step_free'], 0.6) : [],
      supportLevel: dice.pick(SUPPORT_LEVELS),
      nrmStage: dice.pick(NRM_STAGES),
      nrpf: dice.chance(0.3),
    },
    exclusionZones: exclusionZones(dice),
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function table(rows: readonly [string, string][]): string {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`).join('\n');
}

interface Figures {
  matches: number;
  seconds: number;
  /** Time inside matchBeds only. */
  matchingSeconds: number;
  perMatchMs: Float64Array;
  explainMs: Float64Array;
  ranked: number;
  excluded: number;
  unmatched: number;
}

function measure(candidates: readonly BedCandidate[], requests: readonly MatchRequest[]): Figures {
  for (let index = 0; index < WARM_UP_MATCHES; index++) {
    matchBeds(requests[index % requests.length]!, candidates, NOW);
  }
  const perMatch: number[] = [];
  const explain: number[] = [];
  let ranked = 0;
  let excluded = 0;
  let unmatched = 0;
  const budget = BigInt(Math.round(SECONDS * 1e9));
  const started = process.hrtime.bigint();
  let now = started;
  let matching = 0n;
  for (let index = 0; now - started < budget; index++) {
    const matchRequest = requests[index % requests.length]!;
    const before = process.hrtime.bigint();
    const outcome = matchBeds(matchRequest, candidates, NOW);
    const matched = process.hrtime.bigint();
    matching += matched - before;
    perMatch.push(Number(matched - before) / 1e6);
    ranked += outcome.ranked.length;
    excluded += outcome.excluded.length;
    if (outcome.ranked.length === 0) unmatched++;
    // Timed for every request, not only the unmatched: the service also explains after every
    // provider asked declined or let the hold expire.
    explainNoMatch(matchRequest, outcome);
    now = process.hrtime.bigint();
    explain.push(Number(now - matched) / 1e6);
  }
  return {
    matches: perMatch.length,
    seconds: Number(now - started) / 1e9,
    matchingSeconds: Number(matching) / 1e9,
    perMatchMs: Float64Array.from(perMatch).sort(),
    explainMs: Float64Array.from(explain).sort(),
    ranked,
    excluded,
    unmatched,
  };
}

function report(name: string, candidates: readonly BedCandidate[], figures: Figures): void {
  const { matches, seconds, matchingSeconds, perMatchMs, explainMs } = figures;
  const ms = (value: number): string => `${value.toFixed(3)} ms`;
  console.log(`\n${name}`);
  console.log(
    table([
      [
        'directory',
        `${PROVIDERS} providers, ${candidates.length} properties, ${BEDS} beds, ${candidates.reduce((sum, c) => sum + Math.max(0, c.freeBeds), 0)} free`,
      ],
      [
        'matches',
        `${matches} in ${seconds.toFixed(2)} s (${matchingSeconds.toFixed(2)} s inside matchBeds)`,
      ],
      ['matches per second', (matches / matchingSeconds).toFixed(0)],
      ['per match p50', ms(percentile(perMatchMs, 50))],
      ['per match p99', ms(percentile(perMatchMs, 99))],
      ['per match max', ms(perMatchMs[perMatchMs.length - 1] ?? Number.NaN)],
      [
        'mean ranked / excluded',
        `${(figures.ranked / matches).toFixed(1)} / ${(figures.excluded / matches).toFixed(1)}`,
      ],
      ['requests with no match', `${((figures.unmatched / matches) * 100).toFixed(1)}%`],
      [
        'explainNoMatch p50 / p99',
        `${ms(percentile(explainMs, 50))} / ${ms(percentile(explainMs, 99))} (not in matches per second)`,
      ],
    ]),
  );
}

function main(): void {
  const requestDice = new Dice(SEED + 1);
  const requests = Array.from({ length: REQUESTS }, () => request(requestDice));
  console.log(
    `bed matching figures (${new Date().toISOString()}, node ${process.version}, seed ${SEED}, ${REQUESTS} requests in the mix, ${SECONDS} s per directory)`,
  );
  const realistic = directory(new Dice(SEED), 8);
  report('properties of 1–8 beds', realistic, measure(realistic, requests));
  const worst = directory(new Dice(SEED), 1);
  report('single-bed properties (worst case)', worst, measure(worst, requests));
}

main();
