import {
  type BenchResult,
  latencyChartSvg,
  markdownReport,
  maxRateP99Under1s,
  type RateRun,
} from './report';
import { summarize } from './stats';

function run(offeredRate: number, e2e: number[], overrides: Partial<RateRun> = {}): RateRun {
  return {
    offeredRate,
    sustainedRate: offeredRate,
    rest: summarize([5, 6, 7]),
    e2e: summarize(e2e),
    lost: 0,
    duplicated: 0,
    maxLag: 3,
    rssMb: { intake: 120, notification: 150 },
    cpuPercent: { intake: { mean: 20, peak: 45 }, notification: { mean: 30, peak: 60 } },
    sent: offeredRate * 10,
    restErrors: 0,
    expectedDeliveries: offeredRate * 30,
    unexpected: 0,
    scheduleSlipMs: 2,
    ...overrides,
  };
}

function result(runs: RateRun[], floor: RateRun[]): BenchResult {
  return {
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      memoryGb: 24,
      os: 'Linux 6',
      node: 'v24.11.0',
      loadAverageAtStart: 1.5,
      note: 'shared machine',
    },
    commit: '0123456789abcdef0123',
    runs: runs.map((r) => ({ ...r, e2eToFloor: { p50: 4, p99: 5 } })),
    floor,
    maxRateP99Under1s: maxRateP99Under1s(runs),
  };
}

describe('maxRateP99Under1s', () => {
  it('is the highest rate with p99 under a second and nothing lost or duplicated', () => {
    expect(
      maxRateP99Under1s([
        run(10, [50, 60]),
        run(50, [80, 999]),
        run(100, [80, 1000]),
        run(200, [80, 90], { lost: 1 }),
        run(500, [80, 90], { duplicated: 1 }),
      ]),
    ).toBe(50);
  });

  it('is null when no rate held', () => {
    expect(maxRateP99Under1s([run(10, [2000])])).toBeNull();
    expect(maxRateP99Under1s([run(10, [])])).toBeNull();
  });
});

describe('markdownReport', () => {
  it('has one latency row and one resource row per rate, with the floor beside the project', () => {
    const text = markdownReport(
      result([run(10, [40, 50, 60]), run(50, [70, 80, 2500], { lost: 2 })], [run(10, [9, 10, 11])]),
    );
    expect(text).toContain(
      '| 10 | 10 | 6 / 7 / 7 / 7 | 50 / 60 / 60 / 60 | 10 / 11 | 4 | 0 | 0 | 3 | 100 (0) |',
    );
    expect(text).toContain(
      '| 50 | 50 | 6 / 7 / 7 / 7 | 80 / 2500 / 2500 / 2500 | – | 4 | 2 | 0 | 3 | 500 (0) |',
    );
    expect(text).toContain('Highest rate with e2e p99 under 1 s and nothing lost: 10 events/s.');
    expect(text).toContain('| 10 | 120 / 20, 45 | 150 / 30, 60 | 270 |');
    expect(text).toContain('Test CPU, 2 cores, 24 GB');
    expect(text).toContain('No warm-up: the first rate includes start-up.');
  });

  it('says how long the stack was warmed up before the first measured rate', () => {
    const warmed = result([run(10, [40])], []);
    warmed.machine.warmUp = { seconds: 60, rate: 10 };
    expect(markdownReport(warmed)).toContain('Warmed up for 60 s at 10 events/s before measuring');
  });
});

describe('latencyChartSvg', () => {
  const svg = latencyChartSvg(
    result([run(10, [40, 50]), run(100, [70, 3000])], [run(10, [9, 10]), run(100, [12, 20])]),
  );

  it('is one well-formed svg element with a path per series and the targets drawn', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(5);
    expect(svg).toContain('target p99 250 ms at 100/s');
    for (const label of ['e2e p99', 'e2e p50', 'REST p99', 'floor e2e p99', 'floor e2e p50']) {
      expect(svg).toContain(`>${label}</text>`);
    }
  });

  it('puts a slower latency higher on the chart (smaller y) on its log scale', () => {
    const points = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => ({
      x: Number(m[1]),
      y: Number(m[2]),
    }));
    // The e2e p99 series is drawn first: 50 ms at 10/s, then 3 s at 100/s, further right.
    const [first, second] = points;
    expect(second!.x).toBeGreaterThan(first!.x);
    expect(second!.y).toBeLessThan(first!.y);
  });

  it('keeps the targets inside the plot even when every latency is far above them', () => {
    const slowRest = { rest: summarize([6000, 9000]) };
    const slow = latencyChartSvg(
      result([run(10, [30_000, 45_000], slowRest)], [run(10, [1500, 2900], slowRest)]),
    );
    const target = /<line x1="70" x2="540" y1="([\d.]+)"[^>]*stroke="#27ae60"/.exec(slow);
    expect(target).not.toBeNull();
    // The plot runs from y 40 (top) to y 370 (the x axis).
    expect(Number(target![1])).toBeGreaterThanOrEqual(40);
    expect(Number(target![1])).toBeLessThanOrEqual(370);
  });

  it('escapes text it did not write itself', () => {
    const hostile = result([run(10, [40])], []);
    hostile.commit = '<script>&';
    expect(latencyChartSvg(hostile)).toContain('&lt;script&gt;&amp;');
  });
});
