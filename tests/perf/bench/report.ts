import type { HopLatencies } from './hops';
import type { LatencySummary } from './stats';

/** One offered rate, for the project or for the bare pipeline (the floor). */
export interface RateRun {
  offeredRate: number;
  /** Events whose every expected delivery arrived, per second from the first send to the last arrival. */
  sustainedRate: number;
  /** Request sent → HTTP answer (for the floor: produce → broker acknowledgement). */
  rest: LatencySummary;
  /** Request sent → each e-mail or webhook arrival at the sinks. */
  e2e: LatencySummary;
  lost: number;
  duplicated: number;
  /** Largest consumer lag sampled (messages behind the topic end, summed over partitions). */
  maxLag: number;
  /** The same by consuming service (the floor has none). */
  maxLagByService?: Record<string, number>;
  /** Where the time went between the services (the floor has none). */
  hops?: HopLatencies;
  /** Peak resident memory per process, MB. */
  rssMb: Record<string, number>;
  /** CPU per process over the run, percent of one core: mean, and the busiest sampled second. */
  cpuPercent: Record<string, { mean: number; peak: number }>;
  /** The whole machine's CPU over the run, percent of all its cores busy (Postgres, Kafka, …). */
  machineCpuPercent?: number | null;
  /** Events sent, events the API refused or failed, deliveries expected, arrivals not expected. */
  sent: number;
  restErrors: number;
  expectedDeliveries: number;
  unexpected: number;
  /** Most the load generator fell behind its schedule, ms (large values mean the bench itself lagged). */
  scheduleSlipMs: number;
}

export interface BenchResult {
  machine: {
    cpuModel: string;
    cores: number;
    memoryGb: number;
    os: string;
    node: string;
    /** 1-minute load average when the bench started: other work on the machine skews figures. */
    loadAverageAtStart: number;
    /** The unreported load run before the first measured rate (and before the floor's). */
    warmUp?: { seconds: number; rate: number };
    note: string;
  };
  commit: string;
  runs: (RateRun & { e2eToFloor: { p50: number | null; p99: number | null } })[];
  floor: RateRun[];
  maxRateP99Under1s: number | null;
}

/** The highest offered rate whose end-to-end p99 stayed under a second with nothing lost. */
export function maxRateP99Under1s(runs: readonly RateRun[]): number | null {
  const held = runs.filter(
    (run) => run.e2e.p99 !== null && run.e2e.p99 < 1000 && run.lost === 0 && run.duplicated === 0,
  );
  return held.length === 0 ? null : Math.max(...held.map((run) => run.offeredRate));
}

const ms = (value: number | null) => (value === null ? '–' : String(Math.round(value)));

/** The Markdown table of a result (bench/results/<date>.md). */
export function markdownReport(result: BenchResult): string {
  const services = Object.keys(result.runs[0]?.rssMb ?? {});
  const floorAt = (rate: number) => result.floor.find((f) => f.offeredRate === rate);
  const lines = [
    `# Benchmark ${result.commit.slice(0, 12)}`,
    '',
    `Machine: ${result.machine.cpuModel}, ${result.machine.cores} cores, ${result.machine.memoryGb} GB, ` +
      `${result.machine.os}, Node ${result.machine.node}, load average at start ${result.machine.loadAverageAtStart}. ` +
      (result.machine.warmUp && result.machine.warmUp.seconds > 0
        ? `Warmed up for ${result.machine.warmUp.seconds} s at ${result.machine.warmUp.rate} events/s before measuring (services, then the floor). `
        : 'No warm-up: the first rate includes start-up. ') +
      result.machine.note,
    '',
    'Latencies in ms. e2e: request sent → each e-mail or webhook at the sink. Floor: bare kafkajs ' +
      'produce → consume → nodemailer to the same sink, no database.',
    '',
    '| offered/s | sustained/s | REST p50 / p95 / p99 / max | e2e p50 / p95 / p99 / max | floor e2e p50 / p99 | ×floor p50 | lost | dup | max lag | sent (errors) |',
    '| --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
  ];
  for (const run of result.runs) {
    const floor = floorAt(run.offeredRate);
    lines.push(
      `| ${run.offeredRate} | ${run.sustainedRate} | ${ms(run.rest.p50)} / ${ms(run.rest.p95)} / ${ms(run.rest.p99)} / ${ms(run.rest.max)} ` +
        `| ${ms(run.e2e.p50)} / ${ms(run.e2e.p95)} / ${ms(run.e2e.p99)} / ${ms(run.e2e.max)} ` +
        `| ${floor ? `${ms(floor.e2e.p50)} / ${ms(floor.e2e.p99)}` : '–'} ` +
        `| ${run.e2eToFloor.p50 ?? '–'} | ${run.lost} | ${run.duplicated} | ${run.maxLag} | ${run.sent} (${run.restErrors}) |`,
    );
  }
  lines.push(
    '',
    `Highest rate with e2e p99 under 1 s and nothing lost: ${result.maxRateP99Under1s === null ? 'none of those measured' : `${result.maxRateP99Under1s} events/s`}.`,
    '',
    '| offered/s | ' +
      services.map((s) => `${s} RSS MB / CPU % mean, peak`).join(' | ') +
      ' | total RSS MB | machine CPU % busy |',
    '| --: | ' + services.map(() => '--:').join(' | ') + ' | --: | --: |',
  );
  for (const run of result.runs) {
    const total = services.reduce((sum, s) => sum + (run.rssMb[s] ?? 0), 0);
    lines.push(
      `| ${run.offeredRate} | ` +
        services
          .map((s) => {
            const cpu = run.cpuPercent[s];
            return `${run.rssMb[s] ?? '–'} / ${cpu ? `${cpu.mean}, ${cpu.peak}` : '–'}`;
          })
          .join(' | ') +
        ` | ${Math.round(total)} | ${run.machineCpuPercent ?? '–'} |`,
    );
  }
  const withHops = result.runs.filter((run) => run.hops !== undefined && run.hops.events > 0);
  if (withHops.length > 0) {
    lines.push(
      '',
      "Where the time goes, p50 / p99 ms, from the services' own timestamps in Postgres (events " +
        "safeguarding turned into alerts; a transaction's start is when a service began on one):",
      '',
      '| offered/s | events | intake commit → Kafka | → safeguarding | safeguarding → Kafka | → notification | notification → sent |',
      '| --: | --: | --: | --: | --: | --: | --: |',
    );
    const hop = (summary: LatencySummary) => `${ms(summary.p50)} / ${ms(summary.p99)}`;
    for (const run of withHops) {
      const h = run.hops!;
      lines.push(
        `| ${run.offeredRate} | ${h.events} | ${hop(h.intakeRelay)} | ${hop(h.toSafeguarding)} | ` +
          `${hop(h.safeguarding)} | ${hop(h.toNotification)} | ${hop(h.notification)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

interface Series {
  label: string;
  colour: string;
  dashed: boolean;
  points: { rate: number; value: number | null }[];
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Latency against offered load as a standalone SVG: offered rates evenly spaced on x, latency on
 * a log-scale y (a few ms to tens of seconds fit one chart), the project's e2e p50/p99 and REST
 * p99 beside the floor's e2e p50/p99, with the 250 ms and 1 s targets drawn in.
 */
export function latencyChartSvg(result: BenchResult): string {
  const width = 720;
  const height = 420;
  const left = 70;
  const right = 180;
  const top = 40;
  const bottom = 50;
  const rates = [...new Set(result.runs.map((r) => r.offeredRate))].sort((a, b) => a - b);
  const series: Series[] = [
    {
      label: 'e2e p99',
      colour: '#c0392b',
      dashed: false,
      points: result.runs.map((r) => ({ rate: r.offeredRate, value: r.e2e.p99 })),
    },
    {
      label: 'e2e p50',
      colour: '#2471a3',
      dashed: false,
      points: result.runs.map((r) => ({ rate: r.offeredRate, value: r.e2e.p50 })),
    },
    {
      label: 'REST p99',
      colour: '#7d3c98',
      dashed: false,
      points: result.runs.map((r) => ({ rate: r.offeredRate, value: r.rest.p99 })),
    },
    {
      label: 'floor e2e p99',
      colour: '#c0392b',
      dashed: true,
      points: result.floor.map((r) => ({ rate: r.offeredRate, value: r.e2e.p99 })),
    },
    {
      label: 'floor e2e p50',
      colour: '#2471a3',
      dashed: true,
      points: result.floor.map((r) => ({ rate: r.offeredRate, value: r.e2e.p50 })),
    },
  ];
  const values = series.flatMap((s) => s.points.map((p) => p.value)).filter((v) => v !== null);
  const positive = values.map((v) => Math.max(v, 1));
  // The axis always spans the 250 ms and 1 s targets, whatever was measured.
  const minExp = Math.floor(Math.log10(Math.min(250, ...positive)));
  const maxExp = Math.max(minExp + 1, Math.ceil(Math.log10(Math.max(1000, ...positive))));
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const x = (rate: number) =>
    left +
    (rates.length <= 1 ? plotWidth / 2 : (rates.indexOf(rate) / (rates.length - 1)) * plotWidth);
  const y = (value: number) =>
    top + plotHeight - ((Math.log10(Math.max(value, 1)) - minExp) / (maxExp - minExp)) * plotHeight;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">Latency against offered load (${escapeXml(result.commit.slice(0, 12))})</text>`,
  ];
  for (let exp = minExp; exp <= maxExp; exp++) {
    const value = 10 ** exp;
    const label = value >= 1000 ? `${value / 1000} s` : `${value} ms`;
    out.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#dddddd"/>`,
      `<text x="${left - 8}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${label}</text>`,
    );
  }
  for (const [target, label] of [
    [250, 'target p99 250 ms at 100/s'],
    [1000, '1 s'],
  ] as const) {
    out.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${y(target).toFixed(1)}" y2="${y(target).toFixed(1)}" stroke="#27ae60" stroke-dasharray="2,3"/>`,
      `<text x="${left + plotWidth - 4}" y="${(y(target) - 4).toFixed(1)}" text-anchor="end" fill="#27ae60">${label}</text>`,
    );
  }
  for (const rate of rates) {
    out.push(
      `<text x="${x(rate).toFixed(1)}" y="${top + plotHeight + 18}" text-anchor="middle">${rate}</text>`,
    );
  }
  out.push(
    `<text x="${left + plotWidth / 2}" y="${height - 12}" text-anchor="middle">offered events per second</text>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotHeight}" stroke="#333333"/>`,
    `<line x1="${left}" x2="${left + plotWidth}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#333333"/>`,
  );
  series.forEach((s, i) => {
    const points = s.points
      .filter(
        (p): p is { rate: number; value: number } => p.value !== null && rates.includes(p.rate),
      )
      .sort((a, b) => a.rate - b.rate);
    const dash = s.dashed ? ' stroke-dasharray="6,4"' : '';
    if (points.length > 0) {
      const path = points
        .map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p.rate).toFixed(1)},${y(p.value).toFixed(1)}`)
        .join(' ');
      out.push(`<path d="${path}" fill="none" stroke="${s.colour}" stroke-width="2"${dash}/>`);
      for (const p of points) {
        out.push(
          `<circle cx="${x(p.rate).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" fill="${s.colour}"/>`,
        );
      }
    }
    const legendY = top + 10 + i * 20;
    out.push(
      `<line x1="${width - right + 15}" x2="${width - right + 45}" y1="${legendY}" y2="${legendY}" stroke="${s.colour}" stroke-width="2"${dash}/>`,
      `<text x="${width - right + 52}" y="${legendY + 4}">${escapeXml(s.label)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
